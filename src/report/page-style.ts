/** The report page's stylesheet: it fits the window; wide tables scroll in their own box, never the page. */
export const PAGE_STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0; } h2 { font-size: 17px; margin: 28px 0 10px; }
a { color: #1f5fa8; }
.subtitle { color: #666; margin: 4px 0 0; }
.slider, .control { display: flex; gap: 10px; align-items: center; margin-bottom: 12px; flex-wrap: wrap; }
.slider input { width: min(600px, 70vw); }
.grids { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.run { margin: 0; max-width: 100%; min-width: 120px; }
/* A grid at its own size where it fits; shrunk smoothly (not pixelated) where it does not. */
.grid { display: block; max-width: 100%; height: auto; image-rendering: auto; border: 1px solid #ccc; box-sizing: border-box; }
.missing { width: 224px; height: 224px; display: flex; align-items: center; justify-content: center; color: #999; }
figcaption { margin-top: 4px; overflow-wrap: anywhere; }
.at, .note { color: #666; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { margin: 0; position: relative; max-width: 100%; }
.chart svg { display: block; max-width: 100%; height: auto; }
.chart.smoothed g.mark-line path, .chart.smoothed g.mark-symbol path { opacity: 0.25; }
.at-step { margin: 2px 0 0 8px; font-size: 12px; color: #444; max-width: 440px; }
.at-step .value { border-left: 10px solid; padding-left: 4px; margin-right: 6px; white-space: nowrap; }
.tooltip { position: absolute; pointer-events: none; background: rgba(255,255,255,0.95); border: 1px solid #bbb;
  border-radius: 4px; padding: 4px 8px; font-size: 12px; white-space: nowrap; box-shadow: 0 1px 4px rgba(0,0,0,0.2); z-index: 1; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin-bottom: 10px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 8px; text-align: left; font-variant-numeric: tabular-nums;
  vertical-align: top; max-width: 22em; overflow-wrap: break-word; }
.own { overflow-wrap: anywhere; }
th { background: #f6f6f6; overflow-wrap: normal; }
td:first-child { white-space: nowrap; }
.seed { white-space: nowrap; margin-right: 8px; }
details summary { cursor: pointer; color: #444; margin: 6px 0; }
`;
