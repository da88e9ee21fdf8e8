// Loads the runtime.v1 schema once and hands out the two service definitions.
import { loadProto, lookup, grpc } from '../../transport/grpc.js';
import { packagePath } from '../../core/paths.js';

export type ServiceClientConstructor = grpc.ServiceClientConstructor;

let loaded: grpc.GrpcObject | undefined;

function root(): grpc.GrpcObject {
  loaded ??= loadProto(packagePath('src/interfaces/cri/proto/api.proto'));
  return loaded;
}

export function runtimeServiceClient(): ServiceClientConstructor {
  return lookup<ServiceClientConstructor>(root(), 'runtime.v1.RuntimeService');
}

export function imageServiceClient(): ServiceClientConstructor {
  return lookup<ServiceClientConstructor>(root(), 'runtime.v1.ImageService');
}

/** Names of every RPC of both services, for coverage and for the reference's completeness check. */
export function rpcNames(): { runtime: string[]; image: string[] } {
  const names = (ctor: ServiceClientConstructor) => Object.keys(ctor.service);
  return { runtime: names(runtimeServiceClient()), image: names(imageServiceClient()) };
}
