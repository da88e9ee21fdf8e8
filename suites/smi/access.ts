// Traffic Access v1alpha3: all traffic is denied until a TrafficTarget allows it; a target allows
// exactly its sources' ServiceAccounts to its destination's, over its rules; targets add up;
// deleting one takes its access away; the server side enforces.
import { SmiFeature } from '../../src/interfaces/smi/features.js';
import { allowedEventually, refusedEventually } from './checks.js';
import { ACCESS, smiTest, spec, type SmiTest } from './define.js';
import { HTTP_PORT, standardApp, TCP_PORTS, testApp, testNamespace, UDP_PORTS } from './fixtures.js';

const everything = [{ kind: 'HTTPRouteGroup' as const, name: 'all' }];
const allPaths = [{ name: 'any', pathRegex: '.*', methods: ['*'] }];

export const accessTests: readonly SmiTest[] = [
  smiTest({
    id: 'smi.access.default-deny',
    title: 'Traffic Access: traffic to a destination no TrafficTarget names is refused (HTTP and TCP), while a named one is allowed',
    spec: spec('access', 'Specification', 'all traffic is denied by default; TrafficTargets are additive allow rules'),
    profile: 'core',
    requires: ACCESS,
    operations: ['HTTP', 'TCP'],
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      // A refusal only counts once the mesh demonstrably routes this namespace: a second server
      // that a TrafficTarget names must answer first (a mesh that has not yet configured a new
      // Service refuses everything, allow-by-default or not).
      await app.serviceAccount('open');
      await app.server('open', 'open', { app: 'open' });
      await app.service('open', { app: 'open' });
      await app.ready('open');
      await app.routeGroup('all', allPaths);
      await app.allow('client-to-open', 'open', ['client'], everything);
      await allowedEventually(ctx, app.request(client, 'open', 'http', HTTP_PORT), 'HTTP to the server a TrafficTarget names is allowed');
      await refusedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT), 'HTTP without any TrafficTarget is refused');
      await refusedEventually(ctx, app.request(client, 'server', 'tcp', TCP_PORTS[0]), 'TCP without any TrafficTarget is refused');
    },
  }),
  smiTest({
    id: 'smi.access.allows-exactly-sources',
    title: 'Traffic Access: a TrafficTarget allows its source ServiceAccount and no other of the namespace',
    spec: spec('access', 'Specification', 'a TrafficTarget associates a set of traffic definitions (rules) with a service identity allocated to a group of pods'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.serviceAccount('other');
      const other = await app.client('other', 'other');
      await app.ready('other');
      await app.routeGroup('all', allPaths);
      await app.allow('client-to-server', 'server', ['client'], everything);
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT), 'the named source is allowed');
      await refusedEventually(ctx, app.request(other, 'server', 'http', HTTP_PORT), 'a ServiceAccount the TrafficTarget does not name is refused');
    },
  }),
  smiTest({
    id: 'smi.access.source-namespace',
    title: 'Traffic Access: a source ServiceAccount of the same name in another namespace is refused',
    spec: spec('access', 'Specification', 'sources are ServiceAccounts identified by name and namespace'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      const elsewhere = await testApp(ctx, await testNamespace(ctx));
      await elsewhere.serviceAccount('client');
      const stranger = await elsewhere.client('client', 'client');
      await elsewhere.ready('client');
      await app.routeGroup('all', allPaths);
      await app.allow('client-to-server', 'server', ['client'], everything);
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT), 'client of the target namespace is allowed');
      await refusedEventually(ctx, app.request(stranger, 'server', 'http', HTTP_PORT), `ServiceAccount client of namespace ${elsewhere.namespace} is refused`);
    },
  }),
  smiTest({
    id: 'smi.access.targets-additive',
    title: 'Traffic Access: two TrafficTargets for one destination each allow their own source',
    spec: spec('access', 'Specification', 'TrafficTargets are additive'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.serviceAccount('second');
      const second = await app.client('second', 'second');
      await app.ready('second');
      await app.routeGroup('all', allPaths);
      await app.allow('a-first', 'server', ['client'], everything);
      await app.allow('b-second', 'server', ['second'], everything);
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT), 'the first target allows its source');
      await allowedEventually(ctx, app.request(second, 'server', 'http', HTTP_PORT), 'the second target allows its source');
    },
  }),
  smiTest({
    id: 'smi.access.deletion-revokes',
    title: 'Traffic Access: deleting the TrafficTarget refuses its source again',
    spec: spec('access', 'Specification', 'without a TrafficTarget, traffic is denied'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.routeGroup('all', allPaths);
      const target = await app.allow('client-to-server', 'server', ['client'], everything);
      const request = app.request(client, 'server', 'http', HTTP_PORT);
      await allowedEventually(ctx, request, 'allowed while the TrafficTarget exists');
      await app.delete(target);
      await refusedEventually(ctx, request, 'refused after the TrafficTarget is deleted');
    },
  }),
  smiTest({
    id: 'smi.access.server-side-enforcement',
    title: 'Traffic Access: a client without its own proxy is refused by the server side',
    spec: spec('access', 'Specification', 'access control is always enforced on the server side of a connection'),
    profile: 'extended',
    operations: ['HTTP'],
    requires: [...ACCESS, SmiFeature.bypass],
    tags: ['Feature:ProxyBypass'],
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.serviceAccount('outsider');
      const outsider = await app.client('outsider', 'outsider', true);
      await app.ready('outsider');
      await app.routeGroup('all', allPaths);
      await app.allow('client-to-server', 'server', ['client'], everything);
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT), 'the meshed source is allowed');
      await refusedEventually(ctx, app.request(outsider, 'server', 'http', HTTP_PORT), 'a client outside the allowed identities, bypassing its own proxy, is refused');
    },
  }),
  smiTest({
    id: 'smi.access.rule-matches-subset',
    title: 'Traffic Access: a rule naming some matches of an HTTPRouteGroup allows only those',
    spec: spec('access', 'Specification', 'matches limit a rule to the named matches of the route group; omitted, all matches apply'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.routeGroup('routes', [{ name: 'metrics', pathRegex: '/metrics', methods: ['GET'] }, { name: 'api', pathRegex: '/api', methods: ['*'] }]);
      await app.allow('metrics-only', 'server', ['client'], [{ kind: 'HTTPRouteGroup', name: 'routes', matches: ['metrics'] }]);
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/metrics' }), 'GET /metrics (a named match) is allowed');
      await refusedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/api/v1' }), 'GET /api/v1 (a match the rule does not name) is refused');
    },
  }),
  smiTest({
    id: 'smi.access.tcp-route-ports',
    title: 'Traffic Access: a TCPRoute rule allows its ports and no other TCP port',
    spec: spec('access', 'TCP and UDP traffic', 'a TCPRoute rule allows TCP traffic on the listed ports'),
    profile: 'extended',
    requires: [...ACCESS, SmiFeature.tcp],
    tags: ['Feature:TCPRoute'],
    operations: ['TCP'],
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.portRoute('TCPRoute', 'tcp-first', [TCP_PORTS[0]]);
      await app.allow('tcp', 'server', ['client'], [{ kind: 'TCPRoute', name: 'tcp-first' }]);
      await allowedEventually(ctx, app.request(client, 'server', 'tcp', TCP_PORTS[0]), `TCP ${TCP_PORTS[0]} is allowed`);
      await refusedEventually(ctx, app.request(client, 'server', 'tcp', TCP_PORTS[1]), `TCP ${TCP_PORTS[1]} (not in the route) is refused`);
    },
  }),
  smiTest({
    id: 'smi.access.udp-route-ports',
    title: 'Traffic Access: a UDPRoute rule allows its ports and no other UDP port',
    spec: spec('access', 'TCP and UDP traffic', 'UDP 8301-8302 allowed while UDP 8300 stays blocked'),
    profile: 'extended',
    requires: [...ACCESS, SmiFeature.udp],
    tags: ['Feature:UDPRoute'],
    operations: ['UDP'],
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.portRoute('UDPRoute', 'udp-first', [UDP_PORTS[0]]);
      await app.allow('udp', 'server', ['client'], [{ kind: 'UDPRoute', name: 'udp-first' }]);
      await allowedEventually(ctx, app.request(client, 'server', 'udp', UDP_PORTS[0]), `UDP ${UDP_PORTS[0]} is allowed`);
      await refusedEventually(ctx, app.request(client, 'server', 'udp', UDP_PORTS[1]), `UDP ${UDP_PORTS[1]} (not in the route) is refused`);
    },
  }),
];
