import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';

/** A key path into an experiment: `['train', 'optimizer', 'g', 'lr']`. */
export type KeyPath = readonly (string | number)[];

/** A problem found in a file, before it gets its `file:line:col`. */
export interface Problem {
  path: KeyPath;
  message: string;
  /** Point at the key itself (an unknown key) rather than at its value. */
  atKey?: boolean;
}

/** YAML text parsed with positions, so every problem can be reported at its line and column. */
export interface YamlSource {
  file: string;
  data: unknown;
  /** Syntax errors, already formatted as `file:line:col: message`. */
  syntaxErrors: string[];
  /** `file:line:col` of the deepest node of `path` that exists in the text. */
  locate(path: KeyPath, atKey?: boolean): string;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  // The yaml library's own check of unique keys compares each key with all before it (40k keys: 30 s); ours is O(n).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const syntaxErrors = doc.errors.map((error) => `${position(error.pos[0])}: ${error.message.split('\n')[0]}`);
  syntaxErrors.push(...repeatedKeys(doc.contents, position, (offset) => lines.linePos(offset).line));
  let data: unknown;
  if (syntaxErrors.length === 0) {
    try {
      // Aliases expanding into aliases (the "billion laughs") are cut off by the library's alias limit.
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      syntaxErrors.push(`${file}:1:1: ${(error as Error).message.split('\n')[0]}: too many aliases`);
    }
  }
  return {
    file,
    data,
    syntaxErrors,
    locate(path, atKey = false) {
      const node = deepestNode(doc.contents, path, atKey);
      return node?.range ? position(node.range[0]) : `${file}:1:1`;
    },
  };
}

/** Keys given twice in one mapping, each as `file:line:col: ...`, found in one pass over the document. */
function repeatedKeys(
  root: Node | null,
  position: (offset: number) => string,
  lineOf: (offset: number) => number,
): string[] {
  const problems: string[] = [];
  visit(root, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const key = String(pair.key.value);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, pair.key.range[0]);
        else
          problems.push(`${position(pair.key.range[0])}: key "${key}" is given twice (first at line ${lineOf(first)})`);
      }
    },
  });
  return problems;
}

function deepestNode(root: Node | null, path: KeyPath, atKey: boolean): Node | null {
  let node = root;
  for (const [index, segment] of path.entries()) {
    let next: Node | null | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair && atKey && index === path.length - 1) return pair.key as Node;
      // A key with no value (`lr:`) has no value node: point at the key.
      next = pair ? ((pair.value as Node | null) ?? (pair.key as Node)) : undefined;
    } else if (isSeq(node)) {
      next = node.items[Number(segment)] as Node | undefined;
    }
    if (!next) break;
    node = next;
  }
  return node;
}

/** `train.optimizer.g.lr`, the way users write paths in `--set` and in sweeps. */
export function dotted(path: KeyPath): string {
  return path.join('.');
}
