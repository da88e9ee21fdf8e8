// Identity: GetPluginInfo.
import { csi, csiTest, spec } from '../define.js';

const NAME_FORMAT = /^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$/;

export const pluginInfoTests = [
  csiTest({
    id: 'csi.identity.get-plugin-info.name-format',
    title: 'GetPluginInfo names the plugin in domain-name notation of at most 63 characters',
    spec: spec('GetPluginInfo', 'name is REQUIRED, at most 63 characters, alphanumeric at both ends with dashes, dots and alphanumerics between'),
    profile: 'core',
    operations: ['GetPluginInfo'],
    async run(ctx) {
      const k = csi(ctx);
      const { name } = await k.identity.GetPluginInfo({});
      k.assert(name !== '', 'GetPluginInfo: name is empty');
      k.assert(name.length <= 63, `GetPluginInfo: name "${name}" is ${name.length} characters, more than 63`);
      k.assert(NAME_FORMAT.test(name), `GetPluginInfo: name "${name}" is not in domain-name notation`);
    },
  }),
  csiTest({
    id: 'csi.identity.get-plugin-info.vendor-version',
    title: 'GetPluginInfo reports a vendor version',
    spec: spec('GetPluginInfo', 'vendor_version is REQUIRED'),
    profile: 'core',
    operations: ['GetPluginInfo'],
    async run(ctx) {
      const k = csi(ctx);
      const { vendorVersion } = await k.identity.GetPluginInfo({});
      k.assert(vendorVersion !== '', 'GetPluginInfo: vendor_version is empty');
    },
  }),
  csiTest({
    id: 'csi.identity.get-plugin-info.stable',
    title: 'GetPluginInfo answers the same name and version every time',
    spec: spec('GetPluginInfo', 'the plugin identity does not change while it runs'),
    profile: 'core',
    operations: ['GetPluginInfo'],
    async run(ctx) {
      const k = csi(ctx);
      const first = k.env.pluginInfo;
      for (const info of await k.repeat(() => k.identity.GetPluginInfo({}))) {
        k.assert(info.name === first.name && info.vendorVersion === first.vendorVersion,
          `GetPluginInfo: answered ${info.name} ${info.vendorVersion}, earlier ${first.name} ${first.vendorVersion}`);
      }
    },
  }),
];
