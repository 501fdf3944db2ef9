/** The report's whole stylesheet, inlined so the page is one file. */
export const REPORT_CSS = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { text-align: left; padding: 0.2rem 0.7rem; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f5f5f5; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.verdict { font-size: 1.3rem; font-weight: 600; padding: 0.5rem 0.8rem; border-radius: 4px; display: inline-block; }
p.verdict.valid { background: #e3f4e3; } p.verdict.invalid { background: #fbe3e3; } p.verdict.unknown { background: #fdf3d8; }
td.valid { color: #1a7f1a; } td.invalid { color: #b41c1c; font-weight: 600; } td.unknown { color: #a06a00; }
pre.witness { background: #f8f8f8; border-left: 3px solid #b41c1c; padding: 0.5rem 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.note { color: #555; font-size: 0.9rem; }
table.nemesis { font-size: 0.9rem; }
figure.plot { margin: 1rem 0 0.3rem; }
figure.plot svg { max-width: 100%; height: auto; }
`;
