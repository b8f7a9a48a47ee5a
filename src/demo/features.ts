/**
 * The small, real features the demo's scripted model adds to the sample repository: a function, its test, and a
 * README line. `broken` variants make the build fail (a syntax error) or the tests fail (an off-by-one bug).
 */
export interface Feature {
  name: string;
  goal: string;
  source: string;
  /** Same function with a bug the test catches. */
  buggy: string;
  test: string;
  doc: string;
}

const feature = (name: string, goal: string, body: string, buggyBody: string, assertion: string, doc: string): Feature => ({
  name,
  goal,
  source: `/** ${doc} */\nexport function ${name}(text) {\n  ${body}\n}\n`,
  buggy: `/** ${doc} */\nexport function ${name}(text) {\n  ${buggyBody}\n}\n`,
  test: `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { ${name} } from '../src/${name}.js';\n\n` +
    `test('${name}', () => {\n  ${assertion}\n});\n`,
  doc,
});

export const FEATURES: Feature[] = [
  feature('slugify', 'Add slugify(text) for URL-safe slugs, with a test',
    "return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');",
    "return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');",
    "assert.equal(slugify('Hello, World!'), 'hello-world');", 'Turns a text into a lower-case URL slug.'),
  feature('reverseWords', 'Add reverseWords(text) that reverses the order of words, with a test',
    "return text.split(/\\s+/).filter(Boolean).reverse().join(' ');",
    "return text.split(/\\s+/).filter(Boolean).join(' ');",
    "assert.equal(reverseWords('one two three'), 'three two one');", 'Reverses the order of the words of a text.'),
  feature('countVowels', 'Add countVowels(text), with a test',
    'return (text.match(/[aeiou]/gi) ?? []).length;',
    'return (text.match(/[aeiou]/g) ?? []).length;',
    "assert.equal(countVowels('Evolve'), 3);", 'Counts the vowels of a text.'),
  feature('isPalindrome', 'Add isPalindrome(text) ignoring case and punctuation, with a test',
    "const s = text.toLowerCase().replace(/[^a-z0-9]/g, '');\n  return s === [...s].reverse().join('');",
    "return text === [...text].reverse().join('');",
    "assert.equal(isPalindrome('A man, a plan, a canal: Panama'), true);", 'Tells whether a text reads the same backwards.'),
  feature('initials', 'Add initials(name), e.g. "Ada Lovelace" -> "AL", with a test',
    "return text.split(/\\s+/).filter(Boolean).map((w) => w[0].toUpperCase()).join('');",
    "return text.split(' ').map((w) => w[0]).join('');",
    "assert.equal(initials('ada  lovelace'), 'AL');", 'The upper-case initials of a name.'),
  feature('longestWord', 'Add longestWord(text), with a test',
    "return text.split(/\\s+/).filter(Boolean).reduce((a, b) => (b.length > a.length ? b : a), '');",
    "return text.split(/\\s+/).filter(Boolean)[0] ?? '';",
    "assert.equal(longestWord('a bb ccc dd'), 'ccc');", 'The longest word of a text (the first one on a tie).'),
  feature('truncateWords', 'Add truncateWords(text) that keeps the first five words, with a test',
    "const words = text.split(/\\s+/).filter(Boolean);\n  return words.length > 5 ? words.slice(0, 5).join(' ') + '…' : words.join(' ');",
    "return text.split(/\\s+/).slice(0, 4).join(' ') + '…';",
    "assert.equal(truncateWords('one two three four five six'), 'one two three four five…');", 'Keeps the first five words of a text.'),
  feature('camelCase', 'Add camelCase(text), with a test',
    "return text.toLowerCase().replace(/[^a-z0-9]+(.)/g, (_, c) => c.toUpperCase());",
    "return text.replace(/\\s+(.)/g, (_, c) => c);",
    "assert.equal(camelCase('hello big world'), 'helloBigWorld');", 'Turns a text into camelCase.'),
  feature('countLines', 'Add countLines(text), with a test',
    "return text === '' ? 0 : text.split('\\n').length;",
    "return text.split('\\n').length - 1;",
    "assert.equal(countLines('a\\nb\\nc'), 3);", 'Counts the lines of a text.'),
  feature('squeezeSpaces', 'Add squeezeSpaces(text) collapsing runs of white space, with a test',
    "return text.replace(/\\s+/g, ' ').trim();",
    "return text.replace(/  /g, ' ');",
    "assert.equal(squeezeSpaces('  a   b  '), 'a b');", 'Collapses runs of white space into one space.'),
  feature('wordFrequency', 'Add wordFrequency(text) returning counts per word, with a test',
    "const counts = {};\n  for (const w of text.toLowerCase().split(/\\W+/).filter(Boolean)) counts[w] = (counts[w] ?? 0) + 1;\n  return counts;",
    "return {};",
    "assert.deepEqual(wordFrequency('a b a'), { a: 2, b: 1 });", 'Counts how often each word occurs.'),
  feature('stripPunctuation', 'Add stripPunctuation(text), with a test',
    "return text.replace(/[^\\w\\s]/g, '');",
    "return text.replace(/[.]/g, '');",
    "assert.equal(stripPunctuation('Hi, there!'), 'Hi there');", 'Removes punctuation from a text.'),
  feature('isBlank', 'Add isBlank(text) for empty or white-space-only texts, with a test',
    'return text.trim().length === 0;',
    'return text.length === 0;',
    "assert.equal(isBlank('  \\t '), true);", 'Tells whether a text is empty or only white space.'),
  feature('kebabCase', 'Add kebabCase(text), with a test',
    "return text.trim().toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join('-');",
    "return text.toLowerCase().replace(/ /g, '-');",
    "assert.equal(kebabCase('  Hello  Big World '), 'hello-big-world');", 'Turns a text into kebab-case.'),
  feature('countChars', 'Add countChars(text) counting non-space characters, with a test',
    "return text.replace(/\\s/g, '').length;",
    'return text.length;',
    "assert.equal(countChars('a b  c'), 3);", 'Counts the characters of a text that are not white space.'),
];

/** A syntax error: the build (a syntax check of src/) fails. */
export function unbuildable(f: Feature): string {
  return f.source.replace(/\n}\n$/, '\n');
}
