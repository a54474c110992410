/** Text as HTML: no markup, no attribute end. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A metric's value as the tables show it: four significant digits. */
export function formatNumber(value: number | undefined): string {
  return value === undefined ? '' : String(Number(value.toPrecision(4)));
}

/** A run's name, as a link to its page in the MLflow UI when it has one (opened beside the report). */
export function runLink(name: string, link: string | undefined): string {
  return link === undefined ? html(name) : `<a href="${html(link)}" target="_blank" rel="noopener">${html(name)}</a>`;
}

/** JSON inside a <script>: no `</script>` or `<!--` can end or confuse it. */
export function json(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
