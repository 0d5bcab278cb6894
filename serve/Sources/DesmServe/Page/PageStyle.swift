extension Page {
    static let css = #"""
:root { --ink: #1d2330; --muted: #5b6475; --line: #d8dce4; --accent: #1f5fbf; --shade: 31, 95, 191; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fafbfc; }
header, main, aside, footer { max-width: 1400px; margin: 0 auto; padding: 0 16px; }
h1 { margin: 12px 0 0; font-size: 24px; letter-spacing: .5px; }
.about { margin: 2px 0 10px; color: var(--muted); }
form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
#q { flex: 1 1 320px; min-width: 0; padding: 7px 10px; font-size: 16px; border: 1px solid var(--line); border-radius: 6px; }
select, input[type=number] { padding: 5px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
input[type=number] { width: 4.5em; }
button { padding: 7px 16px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 10px 0 0; font-size: 13px; color: var(--muted); }
.legend-scale { display: inline-flex; align-items: center; gap: 6px; }
.ramp { display: inline-block; width: 120px; height: 12px; border-radius: 3px; border: 1px solid var(--line);
        background: linear-gradient(to right, rgba(var(--shade), 0), rgba(var(--shade), .75)); }
#status { min-height: 1.5em; margin: 6px 0; color: var(--muted); font-size: 13px; }
#status.error { color: #b00020; }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 820px) { main { grid-template-columns: 1fr; } }
.column h2 { font-size: 15px; margin: 4px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
.column h2 .tag { font-weight: normal; color: var(--muted); font-size: 12px; word-break: break-all; }
.note { font-size: 12px; color: var(--muted); margin: 0 0 6px; }
ol.results { list-style: none; margin: 0; padding: 0; }
.result { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
.result .head { display: flex; gap: 10px; font-size: 12px; color: var(--muted); }
.result .docno { font-weight: 600; color: var(--ink); word-break: break-all; }
.result .text { margin: 4px 0 0; overflow-wrap: anywhere; }
.w { border-radius: 3px; padding: 0 1px; }
.w.query { outline: 1.5px solid #c47f00; }
aside { margin-top: 14px; }
aside h2 { font-size: 15px; margin: 8px 0; }
.nb-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 10px; }
.nb { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; font-size: 13px; }
.nb h3 { margin: 0 0 4px; font-size: 14px; }
.nb .lists { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.nb ol { margin: 0; padding-left: 18px; }
.nb .space { font-weight: 600; color: var(--muted); }
footer { margin: 20px auto; color: var(--muted); font-size: 12px; }
"""#
}
