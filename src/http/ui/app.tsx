// The console's frame: navigation and routing by the URL's hash (#/topics/orders/messages), so one static page
// serves every view, links can be shared and the back button works, without the server knowing the routes.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { GroupDetailPage } from './pages/group-detail';
import { GroupsPage } from './pages/groups';
import { MessagesPage } from './pages/messages';
import { OverviewPage } from './pages/overview';
import { TopicDetailPage } from './pages/topic-detail';
import { TopicsPage } from './pages/topics';
import { TransactionsPage } from './pages/transactions';

export interface Route {
  /** Path segments after '#/', decoded. */
  readonly segments: string[];
  readonly query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  return {
    segments: path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent),
    query: new URLSearchParams(query),
  };
}

/** A hash link to a console page, each segment encoded (topic names may hold dots and underscores only, group ids anything). */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const SECTIONS: { readonly path: string; readonly label: string }[] = [
  { path: '', label: 'Overview' },
  { path: 'topics', label: 'Topics' },
  { path: 'groups', label: 'Consumer groups' },
  { path: 'transactions', label: 'Transactions' },
];

function page(route: Route): { title: string; body: ComponentChildren } {
  const [section, name, sub] = route.segments;
  if (section === 'topics' && name !== undefined && sub === 'messages') {
    return { title: `Messages in ${name}`, body: <MessagesPage key={name} topic={name} query={route.query} /> };
  }
  if (section === 'topics' && name !== undefined) return { title: `Topic ${name}`, body: <TopicDetailPage key={name} topic={name} /> };
  if (section === 'topics') return { title: 'Topics', body: <TopicsPage /> };
  if (section === 'groups' && name !== undefined) return { title: `Consumer group ${name}`, body: <GroupDetailPage key={name} groupId={name} /> };
  if (section === 'groups') return { title: 'Consumer groups', body: <GroupsPage /> };
  if (section === 'transactions') return { title: 'Transactions and producers', body: <TransactionsPage /> };
  return { title: 'Overview', body: <OverviewPage /> };
}

export function App() {
  const route = useRoute();
  const { title, body } = page(route);
  const current = route.segments[0] ?? '';
  useEffect(() => {
    document.title = `${title} · Eddy`;
  }, [title]);
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          Eddy
        </a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <a href={`#/${s.path}`} aria-current={s.path === current ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main>
        <h1>{title}</h1>
        {body}
      </main>
    </>
  );
}
