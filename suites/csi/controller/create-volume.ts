// Controller: CreateVolume — creation, required fields, idempotency, capacity, names.
import { CREATE_DELETE, csi, csiTest, errorCase, spec } from '../define.js';

const RPC = 'CreateVolume';

export const createVolumeTests = [
  csiTest({
    id: 'csi.controller.create-volume.basic',
    title: 'CreateVolume provisions a volume with an id and at least the requested capacity',
    spec: spec(RPC, 'volume_id is REQUIRED; capacity_bytes is unknown (0) or satisfies required_bytes'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC, 'DeleteVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const size = k.options.testVolumeSize;
      k.assert(volume.capacityBytes === 0 || volume.capacityBytes >= size, `CreateVolume: capacity ${volume.capacityBytes} is below required_bytes ${size}`);
    },
  }),
  errorCase({
    id: 'csi.controller.create-volume.missing-name',
    title: 'CreateVolume without a name is rejected as invalid',
    rpc: RPC, what: 'without name', rule: 'name is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ name: '' })),
  }),
  errorCase({
    id: 'csi.controller.create-volume.missing-capabilities',
    title: 'CreateVolume without volume capabilities is rejected as invalid',
    rpc: RPC, what: 'without volume_capabilities', rule: 'volume_capabilities is REQUIRED (at least one element)', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ volumeCapabilities: [] })),
  }),
  errorCase({
    id: 'csi.controller.create-volume.missing-access-mode',
    title: 'CreateVolume with a capability lacking an access mode is rejected as invalid',
    rpc: RPC, what: 'with a capability without access_mode', rule: 'VolumeCapability.access_mode is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ volumeCapabilities: [{ ...k.capability(), accessMode: null }] })),
  }),
  errorCase({
    id: 'csi.controller.create-volume.missing-access-type',
    title: 'CreateVolume with a capability lacking an access type is rejected as invalid',
    rpc: RPC, what: 'with a capability without access_type', rule: 'VolumeCapability.access_type (block or mount) is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ volumeCapabilities: [{ accessMode: { mode: k.capability().accessMode!.mode } }] })),
  }),
  errorCase({
    id: 'csi.controller.create-volume.unknown-access-mode',
    title: 'CreateVolume with the UNKNOWN access mode is rejected as invalid',
    rpc: RPC, what: 'with access mode UNKNOWN', rule: 'an access mode must be one of the defined modes', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ volumeCapabilities: [{ ...k.capability(), accessMode: { mode: 'UNKNOWN' } }] })),
  }),
  csiTest({
    id: 'csi.controller.create-volume.idempotent',
    title: 'Repeating CreateVolume with the same name and arguments returns the same volume',
    spec: spec(RPC, 'idempotent: an existing compatible volume with the same name is returned with OK'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const request = k.volumeRequest();
      const first = await k.createVolume(request);
      for (const again of await k.repeat(() => k.controller.CreateVolume(request))) {
        k.assert(again.volume?.volumeId === first.volumeId, `CreateVolume repeated: returned volume ${again.volume?.volumeId}, first call ${first.volumeId}`);
        k.assert(again.volume?.capacityBytes === first.capacityBytes, `CreateVolume repeated: capacity ${again.volume?.capacityBytes}, first call ${first.capacityBytes}`);
      }
    },
  }),
  errorCase({
    id: 'csi.controller.create-volume.incompatible-size',
    title: 'CreateVolume reusing a name with a larger size reports that the volume already exists',
    rpc: RPC, what: 'with an existing name and a larger required size', rule: 'a volume with the same name but incompatible capacity_range: ALREADY_EXISTS', code: 'ALREADY_EXISTS', requires: CREATE_DELETE,
    setup: async (k) => {
      const request = k.volumeRequest();
      const volume = await k.createVolume(request);
      return { request, capacity: Math.max(volume.capacityBytes, k.options.testVolumeSize) };
    },
    call: (k, { request, capacity }) => k.controller.CreateVolume({ ...request, capacityRange: { requiredBytes: capacity + k.options.testVolumeSize } }),
  }),
  errorCase({
    id: 'csi.controller.create-volume.incompatible-capability',
    profile: 'extended',
    tags: ['Feature:BlockVolume'],
    title: 'CreateVolume reusing a name with another access type reports that the volume already exists',
    rpc: RPC, what: 'with an existing name and another access type', rule: 'a volume with the same name but incompatible volume_capabilities: ALREADY_EXISTS', code: 'ALREADY_EXISTS',
    requires: [...CREATE_DELETE, 'access-type.mount', 'access-type.block'],
    setup: async (k) => {
      const request = k.volumeRequest({ volumeCapabilities: [k.capability({ type: 'mount' })] });
      await k.createVolume(request);
      return request;
    },
    call: (k, request) => k.controller.CreateVolume({ ...request, volumeCapabilities: [k.capability({ type: 'block' })] }),
  }),
  csiTest({
    id: 'csi.controller.create-volume.distinct-names',
    title: 'CreateVolume gives volumes with different names different ids',
    spec: spec(RPC, 'volume_id uniquely identifies the volume'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const a = await k.createVolume();
      const b = await k.createVolume();
      k.assert(a.volumeId !== b.volumeId, `CreateVolume: two names got the same volume id ${a.volumeId}`);
    },
  }),
  csiTest({
    id: 'csi.controller.create-volume.limit-bytes',
    title: 'CreateVolume keeps the capacity within limit_bytes',
    spec: spec(RPC, 'capacity_range.limit_bytes: the volume MUST NOT be bigger; OUT_OF_RANGE when the range cannot be met'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const size = k.options.testVolumeSize;
      const range = { requiredBytes: size, limitBytes: size * 2 };
      try {
        const volume = await k.createVolume({ capacityRange: range });
        k.assert(volume.capacityBytes <= range.limitBytes, `CreateVolume: capacity ${volume.capacityBytes} exceeds limit_bytes ${range.limitBytes}`);
        k.assert(volume.capacityBytes === 0 || volume.capacityBytes >= size, `CreateVolume: capacity ${volume.capacityBytes} is below required_bytes ${size}`);
      } catch (error) {
        // A backend with coarser allocation may not fit the range; the spec's answer for that is OUT_OF_RANGE.
        if ((error as { grpcCode?: string }).grpcCode !== 'OUT_OF_RANGE') throw error;
        ctx.log(`range ${size}..${size * 2} not supported (OUT_OF_RANGE)`);
      }
    },
  }),
  errorCase({
    id: 'csi.controller.create-volume.limit-below-required',
    title: 'CreateVolume with limit_bytes below required_bytes is rejected',
    rpc: RPC, what: 'with limit_bytes below required_bytes', rule: 'an impossible capacity_range is invalid or out of range', code: ['INVALID_ARGUMENT', 'OUT_OF_RANGE'], requires: CREATE_DELETE,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ capacityRange: { requiredBytes: k.options.testVolumeSize * 2, limitBytes: k.options.testVolumeSize } })),
  }),
  errorCase({
    id: 'csi.controller.create-volume.too-large',
    title: 'CreateVolume of an absurdly large volume is refused as out of range',
    rpc: RPC, what: 'of 8 PiB', rule: 'Unsupported capacity_range: OUT_OF_RANGE', code: 'OUT_OF_RANGE', requires: CREATE_DELETE,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ capacityRange: { requiredBytes: Number.MAX_SAFE_INTEGER - (Number.MAX_SAFE_INTEGER % 4096) } })),
  }),
  csiTest({
    id: 'csi.controller.create-volume.no-capacity',
    title: 'CreateVolume without a capacity range lets the plugin pick the size',
    spec: spec(RPC, 'capacity_range is OPTIONAL; the plugin MAY choose an implementation-defined capacity'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const request = k.volumeRequest();
      delete request.capacityRange;
      const volume = await k.createVolume(request);
      k.assert(volume.capacityBytes >= 0, `CreateVolume: negative capacity ${volume.capacityBytes}`);
    },
  }),
  csiTest({
    id: 'csi.controller.create-volume.max-name-length',
    title: 'CreateVolume accepts a name of the full 128 bytes',
    spec: spec('Size Limits', 'string fields may be up to 128 bytes'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const base = k.ctx.unique('long');
      const name = `${base}-${'x'.repeat(128)}`.slice(0, 128);
      await k.createVolume({ name });
    },
  }),
  csiTest({
    id: 'csi.controller.create-volume.topology-needs-capability',
    title: 'A volume that reports its accessible topology comes from a plugin that advertises volume accessibility constraints',
    spec: spec('CreateVolume', 'a plugin that returns Volume.accessible_topology MUST also set the VOLUME_ACCESSIBILITY_CONSTRAINTS plugin capability'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: ['CreateVolume', 'GetPluginCapabilities'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      k.assert(volume.accessibleTopology.length === 0 || k.has('plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS'),
        'CreateVolume: accessible_topology set but VOLUME_ACCESSIBILITY_CONSTRAINTS not advertised');
    },
  }),
  csiTest({
    id: 'csi.controller.create-volume.topology',
    title: 'CreateVolume places the volume where the requisite topology allows',
    spec: spec(RPC, 'the volume MUST be accessible from at least one requisite topology'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS', 'node.topology'],
    tags: ['Feature:Topology'],
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const segments = k.env.nodeInfo.accessibleTopology!.segments;
      const volume = await k.createVolume({ accessibilityRequirements: { requisite: [{ segments }], preferred: [{ segments }] } });
      const matches = (t: { segments: Record<string, string> }) => Object.entries(segments).every(([key, value]) => t.segments[key] === value);
      k.assert(volume.accessibleTopology.length === 0 || volume.accessibleTopology.some(matches),
        `CreateVolume: accessible_topology ${JSON.stringify(volume.accessibleTopology)} does not include the requisite ${JSON.stringify(segments)}`);
    },
  }),
  errorCase({
    id: 'csi.controller.create-volume.unreachable-topology',
    profile: 'extended',
    title: 'CreateVolume restricted to a topology that does not exist cannot provision',
    rpc: RPC, what: 'with a requisite topology no node has', rule: 'Unable to provision in accessible_topology: RESOURCE_EXHAUSTED (or the topology is invalid)',
    code: ['RESOURCE_EXHAUSTED', 'INVALID_ARGUMENT'], requires: [...CREATE_DELETE, 'plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS', 'node.topology'], tags: ['Feature:Topology'],
    call: (k) => {
      const segments = Object.fromEntries(Object.keys(k.env.nodeInfo.accessibleTopology!.segments).map((key) => [key, 'conformal-nowhere']));
      return k.controller.CreateVolume(k.volumeRequest({ accessibilityRequirements: { requisite: [{ segments }] } }));
    },
  }),
  csiTest({
    id: 'csi.controller.create-volume.mutable-parameters',
    title: 'CreateVolume accepts mutable parameters when the plugin can modify volumes',
    spec: spec(RPC, 'mutable_parameters are set at creation and MAY be changed by ControllerModifyVolume'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'controller.MODIFY_VOLUME', 'config.mutable-parameters'],
    tags: ['Feature:ModifyVolume'],
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      await k.createVolume({ mutableParameters: k.options.mutableParameters });
    },
  }),
];
