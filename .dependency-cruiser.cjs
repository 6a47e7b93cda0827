/**
 * The architecture rules `npm test` checks (scripts/check-architecture.mjs runs them, and adds the one rule
 * dependency-cruiser cannot say: no import cycle between modules). See "Adding a module" in docs/architecture.md.
 *
 * Server folders are of two kinds. Shared infrastructure (common, config, database, cluster, logging, tls) may be
 * used by any module and uses none. Feature modules (everything else) meet only through another module's
 * service, its Nest module, or one of the few seams named below — never its repositories, entities or other files.
 */
const SERVER = '^apps/server/src/';
const INFRASTRUCTURE = '(?:common|config|database|cluster|logging|tls)';
/**
 * Files of a module that other modules may import besides `*.module.ts` and `*.service.ts`: the fan-out seam, the
 * Socket.IO engine options both namespaces share, the sites-visibility interface receivers ask and groups answer,
 * the group limit's SQL that messaging applies to its own history query, and how a stored file is sent as a download
 * (users' downloads and sites' attachments).
 */
const SEAMS = [
  'fanout/receiver-hub\\.ts',
  'client-gateway/socket-options\\.ts',
  'receivers/site-scope\\.ts',
  // the sites' display names as SQL, which an alert's copies are sorted and searched by
  'receivers/site-names\\.ts',
  'groups/group-limit\\.ts',
  'files/attachment-response\\.ts',
];

module.exports = {
  forbidden: [
    {
      name: 'module-internals',
      comment:
        'A module uses another module only through its service (or Nest module, or a named seam); its repositories, entities and other files are its own.',
      severity: 'error',
      from: { path: `${SERVER}(?!${INFRASTRUCTURE}/)([^/]+)/`, pathNot: '\\.spec\\.ts$' },
      to: {
        path: `${SERVER}(?!${INFRASTRUCTURE}/)([^/]+)/`,
        pathNot: [`${SERVER}$1/`, '\\.(module|service)\\.ts$', ...SEAMS.map((s) => `${SERVER}${s}$`)],
      },
    },
    {
      name: 'infrastructure-uses-no-feature',
      comment:
        'Shared infrastructure is below every module; only the entity registry (database/entities.ts) names them all.',
      severity: 'error',
      from: { path: `${SERVER}${INFRASTRUCTURE}/`, pathNot: ['\\.spec\\.ts$', `${SERVER}database/entities\\.ts$`] },
      to: { path: `${SERVER}(?!${INFRASTRUCTURE}/)[^/]+/` },
    },
    {
      name: 'contracts-stand-alone',
      comment:
        'libs/contracts holds the shapes and rules the server, the receiver and the web app share; it imports none of them.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^(apps|angular-web)/' },
    },
    {
      name: 'no-file-cycle',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '\\.spec\\.ts$' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
