// zod schemas of everything a CNI plugin prints: results in each version's exact shape, the error
// object and the VERSION answer. Objects are strict: a field from another version's shape (ip4 in a
// 1.0.0 result, ips[].version in 1.x, routes[].mtu before 1.1.0) is a shape violation.
import { isIP } from 'node:net';
import { z } from 'zod';
import { resultFamily } from './versions.js';

const ipAddress = z.string().refine((v) => isIP(v) !== 0, { message: 'not an IP address' });
const cidr = z.string().refine(
  (v) => {
    const [ip, prefix, extra] = v.split('/');
    if (extra !== undefined || ip === undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
    const family = isIP(ip);
    return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128);
  },
  { message: 'not an address/prefix (CIDR)' },
);
const mac = z.string().regex(/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}:){19}[0-9a-fA-F]{2}$/, 'not a MAC address');

export const dnsSchema = z.strictObject({
  nameservers: z.array(ipAddress).optional(),
  domain: z.string().optional(),
  search: z.array(z.string()).optional(),
  options: z.array(z.string()).optional(),
});

const legacyRoute = z.strictObject({ dst: cidr, gw: ipAddress.optional() });
const legacyIpConfig = z.strictObject({ ip: cidr, gateway: ipAddress.optional(), routes: z.array(legacyRoute).optional() });

export const legacyResultSchema = z.strictObject({
  cniVersion: z.string(),
  ip4: legacyIpConfig.optional(),
  ip6: legacyIpConfig.optional(),
  dns: dnsSchema.optional(),
});

const interface04 = z.strictObject({ name: z.string().min(1), mac: mac.or(z.literal('')).optional(), sandbox: z.string().optional() });
const interface11 = interface04.extend({
  mtu: z.int().nonnegative().optional(),
  socketPath: z.string().optional(),
  pciID: z.string().optional(),
});
const route04 = z.strictObject({ dst: cidr, gw: ipAddress.optional() });
const route11 = route04.extend({
  mtu: z.int().nonnegative().optional(),
  advmss: z.int().nonnegative().optional(),
  priority: z.int().nonnegative().optional(),
  table: z.int().nonnegative().optional(),
  scope: z.int().nonnegative().optional(),
});
const ipConfig1 = z.strictObject({ interface: z.int().nonnegative().optional(), address: cidr, gateway: ipAddress.optional() });
const ipConfig04 = ipConfig1.extend({ version: z.enum(['4', '6']) });

export const result04Schema = z.strictObject({
  cniVersion: z.string(),
  interfaces: z.array(interface04).optional(),
  ips: z.array(ipConfig04).optional(),
  routes: z.array(route04).optional(),
  dns: dnsSchema.optional(),
});
export const result100Schema = result04Schema.extend({ ips: z.array(ipConfig1).optional() });
export const result110Schema = result100Schema.extend({
  interfaces: z.array(interface11).optional(),
  routes: z.array(route11).optional(),
});

/** The schema of a result in exactly `version`'s shape. */
export function resultSchemaFor(version: string): z.ZodType {
  const family = resultFamily(version);
  if (family === 'legacy') return legacyResultSchema;
  if (family === 'v04') return result04Schema;
  return version === '1.0.0' ? result100Schema : result110Schema;
}

export type LegacyResult = z.infer<typeof legacyResultSchema>;
/** The richest shape (1.1.0); older rich results are subsets once ips[].version is ignored. */
export type RichResult = z.infer<typeof result110Schema> & { ips?: Array<z.infer<typeof ipConfig04> | z.infer<typeof ipConfig1>> };

export const errorSchema = z.object({
  cniVersion: z.string().optional(),
  code: z.int(),
  msg: z.string(),
  details: z.string().optional(),
});
export type CniErrorObject = z.infer<typeof errorSchema>;

export const versionInfoSchema = z.object({
  cniVersion: z.string(),
  supportedVersions: z.array(z.string()).min(1),
});
export type VersionInfo = z.infer<typeof versionInfoSchema>;

/** Short readable list of zod issues: "ips.0.version: Invalid input; cniVersion: Required". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
