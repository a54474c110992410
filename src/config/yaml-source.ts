import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

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
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  return {
    file,
    data: doc.errors.length > 0 ? undefined : doc.toJS(),
    syntaxErrors: doc.errors.map((error) => `${position(error.pos[0])}: ${error.message.split('\n')[0]}`),
    locate(path, atKey = false) {
      const node = deepestNode(doc.contents, path, atKey);
      return node?.range ? position(node.range[0]) : `${file}:1:1`;
    },
  };
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
