// Reverse-mode automatic differentiation on an eagerly evaluated graph. Every op (ops.ts) computes its
// value at once and keeps a backward closure that builds the vector–Jacobian product out of other ops,
// so gradients are themselves graph nodes: grad() of an expression that already contains grad() or f'
// works (second order), and f' stays differentiable.
import { Tensor, filled, sameShape, tensor } from './tensor';
import { countNode, tick } from './runtime';

/** Given the upstream gradient, returns one gradient per input (null where not needed). */
export type Backward = (g: Node, needed: boolean[]) => (Node | null)[];

let nextId = 0;

export class Node {
  readonly id = nextId++;
  constructor(
    readonly value: Tensor,
    readonly op: string,
    readonly inputs: Node[] = [],
    readonly backward?: Backward,
  ) { countNode(); }
  get shape(): number[] { return this.value.shape; }
}

export function constant(value: Tensor, op = 'const'): Node { return new Node(value, op); }

/** An independent variable (a `given`), the usual target of grad(). */
export function leaf(value: Tensor, name: string): Node { return new Node(value, `given ${name}`); }

/** Sum of two same-shape nodes; used to accumulate gradients that reach a node along several paths. */
function accumulate(a: Node, b: Node): Node {
  const v = tensor(a.shape);
  for (let i = 0; i < v.data.length; i++) v.data[i] = a.value.data[i] + b.value.data[i];
  tick(v.data.length);
  return new Node(v, '+', [a, b], (g) => [g, g]);
}

/** Nodes reachable from `out`, inputs before users (iterative, so deep graphs do not overflow). */
function topologicalOrder(out: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: Array<{ node: Node; next: number }> = [{ node: out, next: 0 }];
  seen.add(out);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.node.inputs.length) {
      const child = top.node.inputs[top.next++];
      if (!seen.has(child)) { seen.add(child); stack.push({ node: child, next: 0 }); }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order;
}

/**
 * ∂out/∂w for each w in wrt, with the upstream gradient of `out` set to ones (for a scalar `out` this is
 * the ordinary gradient). A w may be any node, not only a leaf: the result is then the partial
 * derivative along the paths through w, which is what f'(x) needs for an arbitrary argument x.
 */
export function gradient(out: Node, wrt: Node[]): Node[] {
  const targets = new Set(wrt);
  const order = topologicalOrder(out);
  const depends = new Set<Node>();
  for (const n of order) if (targets.has(n) || n.inputs.some((i) => depends.has(i))) depends.add(n);

  const grads = new Map<Node, Node>();
  grads.set(out, constant(filled(out.shape, 1), 'ones'));
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k];
    const g = grads.get(node);
    if (!g || !node.backward || targets.has(node) || !depends.has(node)) continue;
    const needed = node.inputs.map((i) => depends.has(i));
    const parts = node.backward(g, needed);
    node.inputs.forEach((input, i) => {
      const gi = parts[i];
      if (!needed[i] || !gi) return;
      if (!sameShape(gi.shape, input.shape)) {
        throw new Error(`internal: gradient of ${node.op} has shape [${gi.shape}] for an input of shape [${input.shape}]`);
      }
      const prev = grads.get(input);
      grads.set(input, prev ? accumulate(prev, gi) : gi);
    });
  }
  return wrt.map((w) => grads.get(w) ?? constant(filled(w.shape, 0), 'zeros'));
}
