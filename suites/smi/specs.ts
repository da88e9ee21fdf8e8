// Traffic Specs v1alpha4 as access rules see them: pathRegex anchored at the start of the path,
// methods (with "*"), headers ANDed within a match, matches ORed; port lists, empty meaning all.
import { SmiFeature } from '../../src/interfaces/smi/features.js';
import { allowedEventually, refusedEventually } from './checks.js';
import { ACCESS, smiTest, spec, type SmiTest } from './define.js';
import { HTTP_PORT, standardApp, TCP_PORTS } from './fixtures.js';

const group = (name: string) => [{ kind: 'HTTPRouteGroup' as const, name }];

export const specsTests: readonly SmiTest[] = [
  smiTest({
    id: 'smi.specs.path-regex-anchored',
    title: 'Traffic Specs: pathRegex matches from the start of the path only',
    spec: spec('specs', 'HTTPRouteGroup', 'the regex is anchored to the start of the URI'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.routeGroup('api', [{ name: 'api', pathRegex: '/api', methods: ['*'] }]);
      await app.allow('api', 'server', ['client'], group('api'));
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/api/users' }), '/api/users is allowed');
      await refusedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/v1/api' }), '/v1/api (the regex not at the start) is refused');
    },
  }),
  smiTest({
    id: 'smi.specs.methods',
    title: 'Traffic Specs: a match allows its methods only, and "*" allows every method',
    spec: spec('specs', 'HTTPRouteGroup', 'methods restrict a match; "*" matches any method'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.routeGroup('routes', [{ name: 'read', pathRegex: '/read', methods: ['GET'] }, { name: 'any', pathRegex: '/any', methods: ['*'] }]);
      await app.allow('routes', 'server', ['client'], group('routes'));
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/read' }), 'GET /read is allowed');
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/any', method: 'DELETE' }), 'DELETE /any ("*") is allowed');
      await refusedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/read', method: 'POST' }), 'POST /read (GET only) is refused');
    },
  }),
  smiTest({
    id: 'smi.specs.headers-anded',
    title: 'Traffic Specs: every header of a match must fit',
    spec: spec('specs', 'HTTPRouteGroup', 'headers within one match are ANDed'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.routeGroup('headers', [{ name: 'both', headers: { 'x-team': 'blue', 'x-stage': 'canary|beta' } }]);
      await app.allow('headers', 'server', ['client'], group('headers'));
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { headers: { 'x-team': 'blue', 'x-stage': 'beta' } }), 'both headers fit: allowed');
      await refusedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { headers: { 'x-team': 'blue' } }), 'one of two headers: refused');
      await refusedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { headers: { 'x-team': 'blue', 'x-stage': 'prod' } }), 'a header value the regex does not fit: refused');
    },
  }),
  smiTest({
    id: 'smi.specs.matches-ored',
    title: 'Traffic Specs: any one match of a route group allows the request',
    spec: spec('specs', 'HTTPRouteGroup', 'separate matches are ORed'),
    profile: 'core',
    operations: ['HTTP'],
    requires: ACCESS,
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.routeGroup('two', [{ name: 'a', pathRegex: '/a$' }, { name: 'b', pathRegex: '/b$' }]);
      await app.allow('two', 'server', ['client'], group('two'));
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/a' }), '/a (first match) is allowed');
      await allowedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/b' }), '/b (second match) is allowed');
      await refusedEventually(ctx, app.request(client, 'server', 'http', HTTP_PORT, { path: '/c' }), '/c (no match) is refused');
    },
  }),
  smiTest({
    id: 'smi.specs.empty-ports-all',
    title: 'Traffic Specs: a TCPRoute with no ports allows every TCP port of the destination',
    spec: spec('specs', 'TCPRoute', 'an empty ports list means all ports of the service'),
    profile: 'extended',
    requires: [...ACCESS, SmiFeature.tcp],
    tags: ['Feature:TCPRoute'],
    operations: ['TCP'],
    async run(ctx) {
      const { app, client } = await standardApp(ctx);
      await app.portRoute('TCPRoute', 'all-tcp', []);
      await app.allow('tcp', 'server', ['client'], [{ kind: 'TCPRoute', name: 'all-tcp' }]);
      for (const port of TCP_PORTS) await allowedEventually(ctx, app.request(client, 'server', 'tcp', port), `TCP ${port} is allowed`);
    },
  }),
];
