// json-merge-patch ships no types; this is the one function we use (RFC 7386 apply).
declare module 'json-merge-patch' {
  export function apply<T>(target: T, patch: unknown): T;
  const _default: { apply: typeof apply };
  export default _default;
}
