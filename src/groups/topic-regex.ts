// KIP-848 regular-expression subscriptions: Kafka compiles SubscribedTopicRegex with RE2/J and matches whole topic
// names against it. JavaScript's RegExp accepts a different language (lookarounds and backreferences, which RE2
// refuses; no inline flags, \Q..\E or POSIX classes, which RE2 has), so a pattern is read here with RE2's grammar,
// refused with RE2's own error descriptions (Kafka quotes them in INVALID_REGULAR_EXPRESSION), and rewritten into
// an equivalent RegExp anchored at both ends.

/** A pattern RE2 would refuse, with RE2's description of why (e.g. "missing closing )"). */
// RE2/J reports an unmatched `)` as an internal error of its parser, and Kafka passes that wording on.
const UNMATCHED_PAREN = 'regexp/syntax: internal error';

export class TopicRegexError extends Error {
  constructor(readonly description: string) {
    super(description);
  }
}

interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
  readonly U: boolean;
}

const MAX_REPEAT = 1000;
const PERL_CLASSES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const POSIX_CLASSES: ReadonlyMap<string, string> = new Map([
  ['alnum', '0-9A-Za-z'],
  ['alpha', 'A-Za-z'],
  ['ascii', '\\x00-\\x7F'],
  ['blank', '\\t '],
  ['cntrl', '\\x00-\\x1F\\x7F'],
  ['digit', '0-9'],
  ['graph', '!-~'],
  ['lower', 'a-z'],
  ['print', ' -~'],
  ['punct', '!-\\/:-@\\[-`{-~'],
  ['space', '\\t\\n\\v\\f\\r '],
  ['upper', 'A-Z'],
  ['word', '0-9A-Za-z_'],
  ['xdigit', '0-9A-Fa-f'],
]);
/** The single-letter escapes RE2 accepts, and what they stand for. */
const CONTROL_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['a', '\\x07'],
  ['f', '\\f'],
  ['t', '\\t'],
  ['n', '\\n'],
  ['r', '\\r'],
  ['v', '\\v'],
]);

function isPunctuation(c: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(c);
}

/** A literal character as RegExp's unicode mode accepts it (it allows escaping only its syntax characters). */
function escapeForJs(c: string, inClass = false): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) || (inClass && c === '-') ? `\\${c}` : c;
}

/** Both cases of a letter as a class, for case-insensitive matching without the `i` flag (it cannot be scoped). */
function caseFold(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  return lower === upper ? escapeForJs(c) : `[${escapeForJs(lower)}${escapeForJs(upper)}]`;
}

class Re2Reader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  translate(): string {
    const out = this.alternation({ i: false, m: false, s: false, U: false });
    if (this.pos < this.src.length) throw new TopicRegexError(UNMATCHED_PAREN);
    return out;
  }

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  private alternation(flags: Flags): string {
    const branches: string[] = [];
    let current = flags;
    for (;;) {
      const branch = this.sequence(current);
      branches.push(branch.out);
      current = branch.flags;
      if (this.peek() !== '|') return branches.join('|');
      this.pos += 1;
    }
  }

  /** Atoms with their repetitions, up to `|`, `)` or the end; inline flags such as (?i) change the rest of it. */
  private sequence(start: Flags): { out: string; flags: Flags } {
    let flags = start;
    let out = '';
    let lastAtom: string | null = null;
    let lastWasRepeat = false;
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === '|') break;
      if (c === ')') {
        if (this.depth === 0) throw new TopicRegexError(UNMATCHED_PAREN);
        break;
      }
      const repeat = this.repetition(flags);
      if (repeat !== null) {
        if (lastWasRepeat) throw new TopicRegexError('invalid nested repetition operator');
        if (lastAtom === null) throw new TopicRegexError('missing argument to repetition operator');
        out = out.slice(0, out.length - lastAtom.length) + `(?:${lastAtom})${repeat}`;
        lastWasRepeat = true;
        continue;
      }
      const flagGroup = this.inlineFlags(flags);
      if (flagGroup !== null) {
        flags = flagGroup;
        lastAtom = null;
        lastWasRepeat = false;
        continue;
      }
      lastAtom = this.atom(flags);
      out += lastAtom;
      lastWasRepeat = false;
    }
    return { out, flags };
  }

  /** `*`, `+`, `?` or `{n,m}` (a `{` that is not a valid count is a literal), with RE2's lazy `?` suffix. */
  private repetition(flags: Flags): string | null {
    const c = this.peek();
    let op: string;
    if (c === '*' || c === '+' || c === '?') {
      op = c;
      this.pos += 1;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (m === null) return null;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) throw new TopicRegexError('invalid repeat count');
      op = m[0];
      this.pos += m[0].length;
    } else {
      return null;
    }
    let lazy = false;
    if (this.peek() === '?') {
      lazy = true;
      this.pos += 1;
    }
    return op + (lazy !== flags.U ? '?' : '');
  }

  /** `(?flags)` changes the flags of the rest of the group; null when the text is not one. */
  private inlineFlags(flags: Flags): Flags | null {
    const m = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(this.src.slice(this.pos));
    if (m === null || m[0] === '(?)' || m[0].endsWith('-)')) return null;
    this.pos += m[0].length;
    return applyFlags(flags, m[1] ?? '', m[2] ?? '');
  }

  private atom(flags: Flags): string {
    const c = this.peek();
    this.pos += 1;
    switch (c) {
      case '(':
        return this.group(flags);
      case '[':
        return this.characterClass(flags);
      case '\\':
        return this.escape(flags, false);
      case '.':
        return flags.s ? '[^]' : '[^\\n]';
      case '^':
        return flags.m ? '(?<=^|\\n)' : '^';
      case '$':
        return flags.m ? '(?=\\n|$)' : '$';
      default:
        return flags.i ? caseFold(c) : escapeForJs(c);
    }
  }

  private group(flags: Flags): string {
    const rest = this.src.slice(this.pos);
    let inner = flags;
    let open = '(?:';
    if (rest.startsWith('?')) {
      const named = /^\?P?<([A-Za-z0-9_]*)>/.exec(rest);
      const scoped = /^\?([imsU]*)(?:-([imsU]*))?:/.exec(rest);
      if (named !== null) {
        if (named[1] === '') throw new TopicRegexError('invalid named capture');
        this.pos += named[0].length;
      } else if (scoped !== null && !scoped[0].endsWith('-:')) {
        inner = applyFlags(flags, scoped[1] ?? '', scoped[2] ?? '');
        this.pos += scoped[0].length;
      } else if (/^\?P?</.test(rest)) {
        throw new TopicRegexError('invalid named capture');
      } else {
        throw new TopicRegexError('invalid or unsupported Perl syntax');
      }
    } else {
      open = '(?:';
    }
    this.depth += 1;
    const body = this.alternation(inner);
    this.depth -= 1;
    if (this.peek() !== ')') throw new TopicRegexError('missing closing )');
    this.pos += 1;
    return `${open}${body})`;
  }

  /** After a backslash: inside a class only what can be a class member is allowed. */
  private escape(flags: Flags, inClass: boolean): string {
    const c = this.peek();
    if (c === '') throw new TopicRegexError('trailing backslash at end of expression');
    this.pos += 1;
    if (isPunctuation(c)) return escapeForJs(c, inClass);
    if (c >= '1' && c <= '7' && !/[0-7]/.test(this.peek())) throw new TopicRegexError('invalid escape sequence');
    if (c >= '0' && c <= '7') {
      const digits = /^[0-7]{0,2}/.exec(this.src.slice(this.pos))?.[0] ?? '';
      this.pos += digits.length;
      return `\\x${parseInt(c + digits, 8)
        .toString(16)
        .padStart(2, '0')}`;
    }
    if (c === 'x') return this.hexEscape();
    if (PERL_CLASSES.has(c)) return `\\${c}`;
    if (c === 'p' || c === 'P') return this.unicodeClass(c === 'P', inClass);
    const control = CONTROL_ESCAPES.get(c);
    if (control !== undefined) return control;
    if (!inClass) {
      if (c === 'b' || c === 'B') return `\\${c}`;
      if (c === 'A') return '^';
      if (c === 'z') return '$';
      if (c === 'Q') return this.quoted(flags);
    }
    throw new TopicRegexError('invalid escape sequence');
  }

  private hexEscape(): string {
    const braced = /^\{([0-9A-Fa-f]+)\}/.exec(this.src.slice(this.pos));
    if (braced !== null) {
      const code = parseInt(braced[1] ?? '', 16);
      if (code > 0x10ffff) throw new TopicRegexError('invalid escape sequence');
      this.pos += braced[0].length;
      return `\\u{${code.toString(16)}}`;
    }
    const two = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.pos));
    if (two === null) throw new TopicRegexError('invalid escape sequence');
    this.pos += 2;
    return `\\x${two[0]}`;
  }

  /** \pL, \p{Greek}, \P{...}: Unicode general categories and scripts, checked by RegExp itself. */
  private unicodeClass(negated: boolean, inClass: boolean): string {
    let name: string;
    const braced = /^\{(\^?)([A-Za-z_]+)\}/.exec(this.src.slice(this.pos));
    if (braced !== null) {
      name = braced[2] ?? '';
      if (braced[1] === '^') negated = !negated;
      this.pos += braced[0].length;
    } else if (/^[A-Za-z]/.test(this.peek())) {
      name = this.peek();
      this.pos += 1;
    } else {
      throw new TopicRegexError('invalid character class range');
    }
    const p = negated ? 'P' : 'p';
    for (const candidate of name === 'Any' ? [] : [`\\${p}{${name}}`, `\\${p}{Script=${name}}`]) {
      try {
        new RegExp(candidate, 'u');
        return candidate;
      } catch {
        // try the next spelling
      }
    }
    if (name === 'Any') return negated ? (inClass ? '' : '[]') : inClass ? '\\u{0}-\\u{10FFFF}' : '[^]';
    throw new TopicRegexError('invalid character class range');
  }

  /** \Q...\E: everything up to \E (or the end) is literal. */
  private quoted(flags: Flags): string {
    const end = this.src.indexOf('\\E', this.pos);
    const text = this.src.slice(this.pos, end < 0 ? this.src.length : end);
    this.pos = end < 0 ? this.src.length : end + 2;
    return [...text].map((c) => (flags.i ? caseFold(c) : escapeForJs(c))).join('');
  }

  private characterClass(flags: Flags): string {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos += 1;
    }
    const members: string[] = [];
    let first = true;
    while (this.peek() !== ']' || first) {
      if (this.pos >= this.src.length) throw new TopicRegexError('missing closing ]');
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos));
      if (posix !== null) {
        const range = POSIX_CLASSES.get(posix[2] ?? '');
        if (range === undefined) throw new TopicRegexError('invalid character class range');
        this.pos += posix[0].length;
        members.push(posix[1] === '^' ? `[^${range}]` : range);
        continue;
      }
      const low = this.classChar(flags);
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '') {
        this.pos += 1;
        const high = this.classChar(flags);
        if (low.code === null || high.code === null || high.code < low.code) throw new TopicRegexError('invalid character class range');
        members.push(`${low.text}-${high.text}`);
        if (flags.i) members.push(...foldedRanges(low.code, high.code));
      } else {
        members.push(low.text);
        if (flags.i && low.code !== null) members.push(...foldedRanges(low.code, low.code));
      }
    }
    this.pos += 1;
    // A nested negated POSIX class cannot sit inside a JS class: join the members as alternatives instead.
    const plain = members.filter((m) => !m.startsWith('[^'));
    const nested = members.filter((m) => m.startsWith('[^'));
    const set = plain.length > 0 ? `[${plain.join('')}]` : '[]';
    if (nested.length === 0) return negated ? `[^${plain.join('')}]` : set;
    const any = [set, ...nested].join('|');
    return negated ? `(?:(?!${any})[^])` : `(?:${any})`;
  }

  /** One member of a class: a character (with its code point, for ranges) or an escape that stands for a set. */
  private classChar(flags: Flags): { text: string; code: number | null } {
    const c = this.peek();
    this.pos += 1;
    if (c !== '\\') return { text: escapeForJs(c, true), code: c.codePointAt(0) ?? null };
    const escaped = this.peek();
    const text = this.escape(flags, true);
    if (isPunctuation(escaped)) return { text, code: escaped.codePointAt(0) ?? null };
    const literal = /^\\x([0-9a-f]{2})$/i.exec(text) ?? /^\\u\{([0-9a-f]+)\}$/i.exec(text);
    return { text, code: literal !== null ? parseInt(literal[1] ?? '', 16) : null };
  }
}

function applyFlags(flags: Flags, on: string, off: string): Flags {
  const has = (set: string, f: string): boolean => set.includes(f);
  return {
    i: has(off, 'i') ? false : has(on, 'i') || flags.i,
    m: has(off, 'm') ? false : has(on, 'm') || flags.m,
    s: has(off, 's') ? false : has(on, 's') || flags.s,
    U: has(off, 'U') ? false : has(on, 'U') || flags.U,
  };
}

/** The other-case counterpart of the ASCII letters within [low, high], as class ranges. */
function foldedRanges(low: number, high: number): string[] {
  const out: string[] = [];
  for (const [from, to, shift] of [
    [0x61, 0x7a, -32],
    [0x41, 0x5a, 32],
  ] as const) {
    const a = Math.max(low, from);
    const b = Math.min(high, to);
    if (a <= b) out.push(`${String.fromCharCode(a + shift)}-${String.fromCharCode(b + shift)}`);
  }
  return out;
}

/** A JavaScript RegExp matching exactly the whole strings the RE2 pattern matches; throws TopicRegexError. */
export function compileTopicRegex(pattern: string): RegExp {
  const body = new Re2Reader(pattern).translate();
  try {
    return new RegExp(`^(?:${body})$`, 'u');
  } catch {
    // RE2 accepted it but our rewrite did not compile: refuse rather than match something else.
    throw new TopicRegexError('invalid or unsupported Perl syntax');
  }
}

/** RE2's reason for refusing the pattern, or null when it is valid. */
export function topicRegexProblem(pattern: string): string | null {
  try {
    compileTopicRegex(pattern);
    return null;
  } catch (err) {
    if (err instanceof TopicRegexError) return err.description;
    throw err;
  }
}
