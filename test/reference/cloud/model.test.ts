import { describe, expect, it } from 'vitest';
import { CloudError, CloudModel, loadBalancerName } from '../../../src/reference/cloud/model.js';

const SPEC = { uid: '0b9c4e1a-2f3d-4c5b-8a7e-112233445566', namespace: 'default', name: 'web', ports: [{ protocol: 'TCP', port: 80, nodePort: 30080 }], sourceRanges: [] };

function code(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof CloudError ? error.status : undefined;
  }
  return undefined;
}

describe('instances', () => {
  it('get unique addresses, a providerID of the region and zones in turn', () => {
    const cloud = new CloudModel();
    const a = cloud.createInstance({ nodeName: 'a' });
    const b = cloud.createInstance({ nodeName: 'b' });
    expect(a.providerID).toBe(`conformal://conformal-east/${a.id}`);
    expect([a.zone, b.zone]).toEqual(['conformal-east-a', 'conformal-east-b']);
    const all = [...a.addresses, ...b.addresses].map((x) => x.address);
    expect(new Set(all).size).toBe(6);
    expect(a.addresses.map((x) => x.type)).toEqual(['InternalIP', 'InternalIP', 'ExternalIP']);
    expect(a.addresses[2]!.address).toMatch(/^203\.0\.113\./);
    expect(cloud.instanceByProviderID(a.providerID)).toBe(a);
    expect(cloud.instanceByProviderID(`conformal://elsewhere/${a.id}`)).toBeUndefined();
  });

  it('refuses a second live instance for a node name and an unknown zone', () => {
    const cloud = new CloudModel();
    const first = cloud.createInstance({ nodeName: 'a' });
    expect(code(() => cloud.createInstance({ nodeName: 'a' }))).toBe(409);
    expect(code(() => cloud.createInstance({ nodeName: 'z', zone: 'mars-1' }))).toBe(400);
    cloud.terminateInstance(first.id);
    expect(cloud.createInstance({ nodeName: 'a' }).id).not.toBe(first.id);
  });

  it('stop and start while it exists; termination is final, idempotent and releases the addresses', () => {
    const cloud = new CloudModel();
    const states: string[] = [];
    cloud.on('instance', (i) => states.push(i.state));
    const a = cloud.createInstance({ nodeName: 'a' });
    const ips = a.addresses.map((x) => x.address);
    cloud.stopInstance(a.id);
    cloud.stopInstance(a.id);
    cloud.startInstance(a.id);
    cloud.terminateInstance(a.id);
    cloud.terminateInstance(a.id);
    expect(states).toEqual(['running', 'stopped', 'running', 'terminated']);
    expect(a.addresses).toEqual([]);
    expect(cloud.instanceByNodeName('a')).toBeUndefined();
    expect(code(() => cloud.startInstance(a.id))).toBe(409);
    expect(code(() => cloud.stopInstance('i-missing'))).toBe(404);
    expect(cloud.createInstance({ nodeName: 'b' }).addresses.map((x) => x.address)).toEqual(ips);
  });
});

describe('load balancers', () => {
  it('are named after the Service UID and keep their ingress IP across updates', () => {
    const cloud = new CloudModel();
    const lb = cloud.ensureLoadBalancer(SPEC, ['n2', 'n1']);
    expect(lb.name).toBe('a0b9c4e1a2f3d4c5b8a7e11223344556');
    expect(loadBalancerName('short-uid')).toBe('ashortuid');
    expect(lb.backends).toEqual(['n1', 'n2']);
    const ip = lb.ingress[0]!.ip;
    expect(ip).toMatch(/^198\.51\.100\./);
    expect(cloud.ensureLoadBalancer({ ...SPEC, sourceRanges: ['10.0.0.0/8'] }, ['n1']).ingress).toEqual([{ ip }]);
    expect(cloud.ensureLoadBalancer(SPEC, ['n1'], true).ingress[0]!.ip).not.toBe(ip);
    cloud.updateLoadBalancer(SPEC.uid, []);
    expect(cloud.listLoadBalancers(SPEC.uid)[0]!.backends).toEqual([]);
    cloud.deleteLoadBalancer(SPEC.uid);
    cloud.deleteLoadBalancer(SPEC.uid);
    expect(cloud.listLoadBalancers()).toEqual([]);
    expect(code(() => cloud.updateLoadBalancer(SPEC.uid, []))).toBe(404);
  });

  it('fail EnsureLoadBalancer for the Service an armed fault names, until it is cleared', () => {
    const cloud = new CloudModel();
    cloud.armFault('ensure-load-balancer', { message: 'quota', namespace: 'default', service: 'web' });
    expect(() => cloud.ensureLoadBalancer(SPEC, [])).toThrow('quota');
    expect(cloud.ensureLoadBalancer({ ...SPEC, uid: 'other', name: 'api' }, []).serviceUID).toBe('other');
    expect(cloud.ensureLoadBalancer({ ...SPEC, uid: 'elsewhere', namespace: 'prod' }, []).serviceUID).toBe('elsewhere');
    cloud.clearFault('ensure-load-balancer');
    expect(cloud.ensureLoadBalancer(SPEC, []).serviceUID).toBe(SPEC.uid);
  });
});

describe('routes', () => {
  it('are keyed by destination CIDR; only the controller is subject to the create-route fault', () => {
    const cloud = new CloudModel();
    cloud.armFault('create-route', { message: 'full', node: 'n1' });
    expect(() => cloud.createRoute({ targetNode: 'n1', destinationCIDR: '10.244.0.0/24', blackhole: false }, true)).toThrow('full');
    expect(cloud.createRoute({ targetNode: 'n2', destinationCIDR: '10.244.1.0/24', blackhole: false }, true).targetNode).toBe('n2');
    expect(cloud.createRoute({ targetNode: 'n1', destinationCIDR: '10.244.0.0/24', blackhole: true }).blackhole).toBe(true);
    expect(code(() => cloud.createRoute({ destinationCIDR: '10.244.0.0/24', blackhole: false }))).toBe(409);
    cloud.deleteRoute('10.244.0.0/24');
    cloud.deleteRoute('10.244.0.0/24');
    expect(cloud.listRoutes().map((r) => r.destinationCIDR)).toEqual(['10.244.1.0/24']);
  });
});
