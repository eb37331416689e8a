// Loading state shared by every page: a promise-returning loader run on mount (and again on reload()), its result,
// its error as a message, and small presentational pieces for both, so pages stay about their data.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `load` now, on every change of `deps`, and every `refreshMs` when given; a stale answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loader.current().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (err: unknown) => mine === generation.current && setState((s) => ({ data: s.data, error: errorMessage(err), loading: false })),
    );
  }, []);
  useEffect(() => {
    reload();
    if (refreshMs === undefined) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
    // deps are the caller's: the load function changes identity on every render.
  }, [reload, refreshMs, ...deps]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function ErrorNote({ error }: { error: string | undefined }) {
  return error === undefined ? null : (
    <p class="error" role="alert">
      {error}
    </p>
  );
}

/** The error if any, a loading note until the first answer, then the children. */
export function Loading<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (state.data === undefined) {
    return state.error !== undefined ? <ErrorNote error={state.error} /> : <p aria-busy="true">Loading…</p>;
  }
  return (
    <>
      <ErrorNote error={state.error} />
      {children(state.data)}
    </>
  );
}

/** A label/value list (the overview, a group's summary). */
export function Facts({ items }: { items: readonly (readonly [string, ComponentChildren])[] }) {
  return (
    <dl class="facts">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Runs an action from a button, showing its error or a success note under the form. */
export function useAction(): { busy: boolean; error: string | undefined; note: string | undefined; run: (action: () => Promise<string | void>) => void } {
  const [state, setState] = useState<{ busy: boolean; error?: string; note?: string }>({ busy: false });
  const run = useCallback((action: () => Promise<string | void>) => {
    setState({ busy: true });
    action().then(
      (note) => setState({ busy: false, note: note ?? undefined }),
      (err: unknown) => setState({ busy: false, error: errorMessage(err) }),
    );
  }, []);
  return { busy: state.busy, error: state.error, note: state.note, run };
}

export function ActionResult({ error, note }: { error: string | undefined; note: string | undefined }) {
  if (error !== undefined) return <ErrorNote error={error} />;
  return note === undefined ? null : (
    <p class="note" role="status">
      {note}
    </p>
  );
}

let fieldIds = 0;

/**
 * A labelled select. The label is tied by id rather than wrapped around the select: a wrapping label would put
 * every option's text into the select's accessible name.
 */
export function SelectField({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ComponentChildren;
}) {
  const [id] = useState(() => `field-${++fieldIds}`);
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {children}
      </select>
    </span>
  );
}

/** A table's column headers. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th scope="col" key={column}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
