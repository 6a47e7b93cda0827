// The architecture check in `npm test`: dependency-cruiser's rules (.dependency-cruiser.cjs), and no import
// cycle between server modules, which dependency-cruiser sees only between files.
import { execFileSync } from 'node:child_process';

const args = ['apps/server/src', 'apps/receiver/src', 'libs/contracts/src', '--config', '.dependency-cruiser.cjs'];
const result = JSON.parse(
  execFileSync('npx', ['depcruise', ...args, '--output-type', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 }),
);
const problems = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);

// Feature modules only: infrastructure may not import them (a rule above), but for the entity registry.
const INFRASTRUCTURE = new Set(['common', 'config', 'database', 'cluster', 'logging', 'tls']);
const moduleOf = (path) => {
  const name = /^apps\/server\/src\/([^/]+)\//.exec(path)?.[1];
  return name && !INFRASTRUCTURE.has(name) ? name : undefined;
};
const edges = new Map();
for (const file of result.modules) {
  const from = moduleOf(file.source);
  if (!from || /\.spec\.ts$/.test(file.source)) continue;
  for (const dependency of file.dependencies) {
    const to = moduleOf(dependency.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    edges.get(from).set(to, `${file.source} → ${dependency.resolved}`);
  }
}
// Tarjan's strongly connected components: every component of more than one module is a cycle.
let index = 0;
const order = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const visit = (node) => {
  order.set(node, index);
  low.set(node, index++);
  stack.push(node);
  onStack.add(node);
  for (const next of edges.get(node)?.keys() ?? []) {
    if (!order.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), order.get(next)));
  }
  if (low.get(node) !== order.get(node)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== node);
  if (component.length < 2) return;
  const inside = new Set(component);
  const imports = component.flatMap((m) =>
    [...(edges.get(m) ?? [])].filter(([to]) => inside.has(to)).map(([, via]) => `      ${via}`),
  );
  problems.push(`module-cycle: ${component.sort().join(' ⇄ ')}\n${imports.join('\n')}`);
};
for (const node of edges.keys()) if (!order.has(node)) visit(node);

if (problems.length) {
  console.error(`Architecture check failed (docs/architecture.md, "Adding a module"):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Architecture check: ${result.summary.totalCruised} files, no violations, no module cycles.`);
