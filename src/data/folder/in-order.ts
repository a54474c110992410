/**
 * `work` over `items` with at most `limit` calls in flight, the results yielded in the items' order: the caller
 * writes each as it comes, so memory holds `limit` results however many items there are.
 */
export async function* inOrder<Item, Result>(
  items: readonly Item[],
  limit: number,
  work: (item: Item) => Promise<Result>,
): AsyncGenerator<Result> {
  const pending: Promise<Result>[] = [];
  let next = 0;
  while (next < items.length && pending.length < limit) pending.push(work(items[next++]));
  while (pending.length > 0) {
    const result = await (pending.shift() as Promise<Result>);
    if (next < items.length) pending.push(work(items[next++]));
    yield result;
  }
}
