// RE2/J patterns as Kafka reads SubscribedTopicRegex: the same refusals (with RE2's descriptions, which Kafka quotes)
// and the same whole-name matches, through the rewrite into a JavaScript RegExp.
import { compileTopicRegex, topicRegexProblem } from '../../../src/groups/topic-regex';

const matches = (pattern: string, names: readonly string[]): string[] => names.filter((n) => compileTopicRegex(pattern).test(n));

describe('topic regular expressions (RE2 syntax)', () => {
  test('match whole topic names only', () => {
    expect(matches('orders.*', ['orders', 'orders-eu', 'old-orders'])).toEqual(['orders', 'orders-eu']);
    expect(matches('a|b', ['a', 'b', 'ab'])).toEqual(['a', 'b']);
    expect(matches('or.ers', ['orders', 'or-ers', 'orders2'])).toEqual(['orders', 'or-ers']);
  });

  test("RE2's own syntax: inline flags, \\Q..\\E, POSIX classes, named groups, \\x{..}, lazy repeats", () => {
    expect(matches('(?i)ORDERS', ['orders', 'Orders', 'ordersX'])).toEqual(['orders', 'Orders']);
    expect(matches('x(?i:ab)y', ['xABy', 'XABy'])).toEqual(['xABy']);
    expect(matches('\\Qa.b\\E', ['a.b', 'axb'])).toEqual(['a.b']);
    expect(matches('[[:digit:]]+', ['123', '12a'])).toEqual(['123']);
    expect(matches('[^[:digit:]]+', ['abc', 'a1'])).toEqual(['abc']);
    expect(matches('(?P<name>t)-\\x{41}', ['t-A', 't-B'])).toEqual(['t-A']);
    expect(matches('a.*?b', ['axxb'])).toEqual(['axxb']);
    expect(matches('[a-c-]+', ['a-c', 'a_c'])).toEqual(['a-c']);
    expect(matches('\\d{2,3}', ['1', '12', '123', '1234'])).toEqual(['12', '123']);
  });

  test("refusals carry RE2/J's descriptions", () => {
    expect(topicRegexProblem('(')).toBe('missing closing )');
    expect(topicRegexProblem('a)')).toBe('regexp/syntax: internal error');
    expect(topicRegexProblem('(?=x)')).toBe('invalid or unsupported Perl syntax');
    expect(topicRegexProblem('(?<!x)a')).toBe('invalid named capture');
    expect(topicRegexProblem('(a)\\1')).toBe('invalid escape sequence');
    expect(topicRegexProblem('a**')).toBe('invalid nested repetition operator');
    expect(topicRegexProblem('a{2}{3}')).toBe('invalid nested repetition operator');
    expect(topicRegexProblem('a{1001}')).toBe('invalid repeat count');
    expect(topicRegexProblem('a{3,2}')).toBe('invalid repeat count');
    expect(topicRegexProblem('[a')).toBe('missing closing ]');
    expect(topicRegexProblem('[z-a]')).toBe('invalid character class range');
    expect(topicRegexProblem('+a')).toBe('missing argument to repetition operator');
    expect(topicRegexProblem('a\\')).toBe('trailing backslash at end of expression');
    expect(topicRegexProblem('a{,2}')).toBeNull();
    expect(topicRegexProblem('')).toBeNull();
  });
});
