const seg = new Intl.Segmenter('en', { granularity: 'word' });
const s = 'word '.repeat(40000);
for (const size of [128, 256, 512, 1024, 2048]) {
let t = performance.now(); let c = 0;
for (let i = 0; i < s.length; i += size) { for (const x of seg.segment(s.slice(i, i + size))) if (x.isWordLike) c++; }
console.log('chunked', size, c, (performance.now()-t).toFixed(0));
}
const g = new Intl.Segmenter('en', { granularity: 'grapheme' });
for (const n of [300, 1000, 3000]) { const s = 'ab '.repeat(n/3); let t = performance.now(); for (let k=0;k<100;k++){ let c=0; for (const x of g.segment(s)) c++; } console.log('graph', n, ((performance.now()-t)/100).toFixed(3)); }
