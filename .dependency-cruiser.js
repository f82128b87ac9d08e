/**
 * The architecture rules of lib/ (docs/ARCHITECTURE.md), checked by `npm run lint:deps` in `npm test`.
 * Layers, lowest first: core ← workload ← data ← {observability, gateway} ← chaos ← delivery.
 * A layer imports only from layers to its left; observability and gateway are siblings.
 * Type-only imports count (tsPreCompilationDeps): a type is a dependency too.
 */
const LAYERS = ['core', 'workload', 'data', 'observability|gateway', 'chaos', 'delivery'];

/** For each layer: it must not import any layer above it. */
function upwardRules() {
  const rules = [];
  LAYERS.forEach((layer, i) => {
    const above = LAYERS.slice(i + 1).join('|');
    if (above) {
      rules.push({
        name: `no-upward-from-${layer.replace('|', '-or-')}`,
        comment: `lib/${layer}/ sits below ${above}: invert the dependency (define an interface here, implement it above)`,
        severity: 'error',
        from: { path: `^lib/(${layer})/` },
        to: { path: `^lib/(${above})/` },
      });
    }
  });
  return rules;
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles hide the architecture and break module initialisation order.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upwardRules(),
    {
      name: 'no-sibling-observability-gateway',
      comment: 'observability and gateway are siblings on one floor: neither imports the other.',
      severity: 'error',
      from: { path: '^lib/(observability|gateway)/' },
      to: { path: '^lib/(observability|gateway)/', pathNot: '^lib/$1/' },
    },
    {
      name: 'lib-not-to-stacks-or-tests',
      comment: 'The library never imports the stacks, tests or tools built on it.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(stacks|cli|test|bench|scripts)/' },
    },
    {
      name: 'no-index-inside-lib',
      comment: 'Inside lib/, import the module itself, not a layer index (index files are the public API only).',
      severity: 'error',
      from: { path: '^lib/', pathNot: 'index[.]ts$' },
      to: { path: 'index[.]ts$', pathNot: '^lib/[^/]+[.]ts$' },
    },
    {
      name: 'stacks-use-public-api',
      comment: 'Stacks compose constructs through lib/index.ts only.',
      severity: 'error',
      from: { path: '^stacks/' },
      to: { path: '^lib/', pathNot: '^lib/index\\.ts$' },
    },
    {
      name: 'cli-uses-public-api',
      comment: 'The CLI (cli/) uses the library through lib/index.ts only, like any user; it may import the stacks it synthesizes.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^lib/', pathNot: '^lib/index\\.ts$' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'The CLI sits on top: neither the library nor the stacks import it (tests and bin/ do).',
      severity: 'error',
      from: { path: '^(lib|stacks)/' },
      to: { path: '^cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|imports)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
