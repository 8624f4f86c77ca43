// A reply that stresses the layout: a code line far wider than a phone, a table of many columns,
// a quote, and an unbroken word. The browser tests render it by saving it as a conversation.
const columns = Array.from({ length: 12 }, (_, i) => `Column ${i + 1}`);

export const RICH_REPLY = [
  'Here is **the code**:',
  '',
  '```js',
  `const numbers = [${Array.from({ length: 80 }, (_, i) => i).join(', ')}]; // one line, far wider than a phone`,
  'function sum(list) {',
  '  return list.reduce((a, b) => a + b, 0);',
  '}',
  '```',
  '',
  `| ${columns.join(' | ')} |`,
  `|${columns.map(() => '---').join('|')}|`,
  `| ${columns.map((_, i) => `value ${i * 1000}`).join(' | ')} |`,
  '',
  '> A quoted remark, set apart from the reply.',
  '',
  `An unbroken word: ${'abcdefghij'.repeat(20)}`,
].join('\n');
