// ImageService: pull by tag and by digest, status, list, remove, filesystem info.
import { existsSync } from 'node:fs';
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, img, imageStatus, pull, type CriContext } from '../../src/interfaces/cri/kit.js';
import type { FilesystemUsage, Image } from '../../src/interfaces/cri/types.js';
import { spec } from './spec.js';

/** A tag of the scratch repository for this test only; the ledger removes the image. */
async function pullScratch(ctx: CriContext): Promise<{ reference: string; imageRef: string }> {
  const tag = ctx.unique('t').toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  const reference = `${ctx.env.images.scratchRepository}:${tag}`;
  const imageRef = await pull(ctx, reference);
  ctx.ledger.add(`image ${reference}`, async (signal) => {
    await ctx.env.client.image('RemoveImage', { image: { image: imageRef } }, signal);
  });
  return { reference, imageRef };
}

export const imageTests = [
  defineTest<CriEnv>({
    id: 'cri.image.pull-tag',
    title: 'A pulled image is reported with its tag, digest and size',
    spec: spec('ImageService.PullImage', 'pulls an image; ImageStatus then reports it with repo tags and digests'),
    profile: 'core',
    requires: ['image.scratch-repository'],
    operations: ['PullImage', 'ImageStatus'],
    async run(ctx) {
      const { reference, imageRef } = await pullScratch(ctx);
      check(imageRef !== '', 'PullImage returned an empty image_ref');
      const image = await imageStatus(ctx, reference);
      check(image, `ImageStatus(${reference}) found nothing after the pull`);
      check(image.repoTags.includes(reference), `repo_tags ${JSON.stringify(image.repoTags)} lack ${reference}`);
      check(image.repoDigests.some((d) => d.includes('@sha256:')), `repo_digests ${JSON.stringify(image.repoDigests)} hold no digest`);
      check(image.size > 0, 'image size is 0');
      check(imageRef === image.id || image.repoDigests.includes(imageRef), `image_ref ${imageRef} is neither the id nor a repo digest of the image`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.pull-digest',
    title: 'An image pulled by digest is found by that digest',
    spec: spec('ImageService.PullImage', 'references by digest (name@sha256:...) are supported'),
    profile: 'core',
    requires: ['image.digest-reference'],
    operations: ['PullImage', 'ImageStatus'],
    async run(ctx) {
      const reference = ctx.env.images.busyboxDigest!;
      await pull(ctx, reference);
      const image = await imageStatus(ctx, reference);
      check(image, `ImageStatus(${reference}) found nothing after the pull`);
      check(image.repoDigests.includes(reference), `repo_digests ${JSON.stringify(image.repoDigests)} lack ${reference}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.two-tags',
    tags: ['Feature:ImageTags'],
    title: 'Two tags of one manifest resolve to one image id',
    spec: spec('Image', 'one image (id) can carry several repo tags'),
    profile: 'extended',
    requires: ['image.second-tag'],
    operations: ['PullImage', 'ImageStatus'],
    async run(ctx) {
      await pull(ctx, ctx.env.images.busybox);
      await pull(ctx, ctx.env.images.busyboxAlias!);
      const first = await imageStatus(ctx, ctx.env.images.busybox);
      const second = await imageStatus(ctx, ctx.env.images.busyboxAlias!);
      check(first && second, 'ImageStatus found nothing for one of the tags');
      checkEqual(second.id, first.id, 'image id of the second tag');
      check(second.repoTags.includes(ctx.env.images.busybox) && second.repoTags.includes(ctx.env.images.busyboxAlias!), `repo_tags ${JSON.stringify(second.repoTags)} lack one of the tags`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.status-absent',
    title: 'ImageStatus of an absent image returns no image and no error',
    spec: spec('ImageService.ImageStatus', 'if the image is not present, returns a response with image set to nil'),
    profile: 'core',
    operations: ['ImageStatus'],
    async run(ctx) {
      const reference = `${ctx.env.images.scratchRepository ?? 'conformal.invalid/absent'}:never-pulled-${ctx.unique('x').toLowerCase()}`;
      const image = await imageStatus(ctx, reference);
      checkEqual(image, null, `ImageStatus(${reference}).image`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.list',
    title: 'ListImages includes a pulled image',
    spec: spec('ImageService.ListImages', 'lists the images present'),
    profile: 'core',
    requires: ['image.scratch-repository'],
    operations: ['ListImages'],
    async run(ctx) {
      const { reference } = await pullScratch(ctx);
      const { images } = await img<{ images: Image[] }>(ctx, 'ListImages', {});
      check(images.some((i) => i.repoTags.includes(reference)), `ListImages lacks ${reference}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.list-filter',
    title: 'ListImages narrows the list to the image named in the filter',
    spec: spec('ImageFilter', 'image: only the image this spec names'),
    profile: 'core',
    requires: ['image.scratch-repository'],
    operations: ['ListImages'],
    async run(ctx) {
      const { reference } = await pullScratch(ctx);
      const filtered = await img<{ images: Image[] }>(ctx, 'ListImages', { filter: { image: { image: reference } } });
      check(filtered.images.length >= 1 && filtered.images.every((i) => i.repoTags.includes(reference)), `ListImages filtered by ${reference} returned ${JSON.stringify(filtered.images.map((i) => i.repoTags))}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.remove',
    title: 'A removed image is gone from status and listing',
    spec: spec('ImageService.RemoveImage', 'removes the image'),
    profile: 'core',
    requires: ['image.scratch-repository'],
    operations: ['RemoveImage', 'ImageStatus', 'ListImages'],
    async run(ctx) {
      const { reference } = await pullScratch(ctx);
      await img(ctx, 'RemoveImage', { image: { image: reference } });
      checkEqual(await imageStatus(ctx, reference), null, `ImageStatus(${reference}) after RemoveImage`);
      const { images } = await img<{ images: Image[] }>(ctx, 'ListImages', {});
      check(!images.some((i) => i.repoTags.includes(reference)), `ListImages still lists ${reference}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.remove-by-id',
    title: 'An image can be removed by its id',
    spec: spec('ImageService.RemoveImage', 'the image spec may name the image by id'),
    profile: 'core',
    requires: ['image.scratch-repository'],
    operations: ['RemoveImage', 'ImageStatus'],
    async run(ctx) {
      const { reference } = await pullScratch(ctx);
      const image = await imageStatus(ctx, reference);
      check(image, `ImageStatus(${reference}) found nothing after the pull`);
      await img(ctx, 'RemoveImage', { image: { image: image.id } });
      checkEqual(await imageStatus(ctx, image.id), null, `ImageStatus(${image.id}) after RemoveImage by id`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.user',
    tags: ['Feature:ImageUser'],
    title: 'ImageStatus reports the uid the image runs as',
    spec: spec('Image', 'uid is set when the image config names a numeric user'),
    profile: 'extended',
    requires: ['image.user'],
    operations: ['PullImage', 'ImageStatus'],
    async run(ctx) {
      await pull(ctx, ctx.env.images.userImage!);
      const image = await imageStatus(ctx, ctx.env.images.userImage!);
      check(image, 'ImageStatus found nothing for the user image');
      checkEqual(image.uid?.value, 1000, 'Image.uid');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.pull-missing',
    tags: ['Feature:RequestValidation'],
    title: 'Pulling an image the registry does not have fails',
    spec: spec('ImageService.PullImage', 'a pull that cannot resolve the reference is an error'),
    profile: 'extended',
    requires: ['image.scratch-repository'],
    operations: ['PullImage'],
    async run(ctx) {
      const repository = ctx.env.images.scratchRepository!.replace(/scratch$/, 'does-not-exist');
      const reference = `${repository}:1.0`;
      let ref: string | undefined;
      try {
        ref = await pull(ctx, reference);
      } catch {
        return;
      }
      check(false, `PullImage(${reference}) succeeded with ${ref}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.fs-info',
    title: 'ImageFsInfo reports image filesystem usage, on a mountpoint that exists on the node',
    spec: spec('ImageService.ImageFsInfo', 'returns usage of the filesystem(s) images are stored on'),
    profile: 'core',
    operations: ['ImageFsInfo'],
    async run(ctx) {
      const info = await img<{ imageFilesystems: FilesystemUsage[]; containerFilesystems: FilesystemUsage[] }>(ctx, 'ImageFsInfo', {});
      check(info.imageFilesystems.length > 0, 'ImageFsInfo lists no image filesystem');
      // kubelet stats each mountpoint to find the filesystem's device and capacity (eviction,
      // /stats/summary, image GC). Where the runtime shares the harness's node (node.local), the
      // path must exist there; elsewhere only the runtime's node can tell.
      const local = ctx.capabilities.has('node.local');
      const filesystems = [...info.imageFilesystems.map((fs) => ['image', fs] as const), ...(info.containerFilesystems ?? []).map((fs) => ['container', fs] as const)];
      for (const [kind, fs] of filesystems) {
        check(fs.fsId?.mountpoint, `a ${kind} filesystem has no mountpoint`);
        check(fs.timestamp > 0, `${kind} filesystem ${fs.fsId.mountpoint} has no timestamp`);
        check(fs.usedBytes !== null, `${kind} filesystem ${fs.fsId.mountpoint} has no used_bytes`);
        if (local) check(existsSync(fs.fsId.mountpoint), `${kind} filesystem mountpoint ${fs.fsId.mountpoint} does not exist on the node`);
      }
      if (!local) ctx.log('the runtime is not on this node (no node.local): mountpoints not checked for existence');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.pull-unknown-handler',
    tags: ['Feature:RequestValidation'],
    title: 'Pulling with a runtime handler the runtime does not have is rejected',
    spec: spec('ImageSpec.runtime_handler', 'if the runtime handler is unknown, the request should be rejected'),
    profile: 'extended',
    operations: ['PullImage'],
    async run(ctx) {
      const image = { image: ctx.env.images.busybox, runtimeHandler: `conformal-unknown-${ctx.unique('handler')}` };
      let ref: string | undefined;
      try {
        ref = (await img<{ imageRef: string }>(ctx, 'PullImage', { image })).imageRef;
      } catch {
        return;
      }
      check(false, `PullImage of ${image.image} with runtime handler ${image.runtimeHandler} succeeded with ${ref}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.image.remove-all-tags',
    tags: ['Feature:ImageTags', 'Serial'],
    title: 'Removing an image by one of its tags removes it under every tag',
    spec: spec('ImageService.RemoveImage', 'removing the image by a single tag will remove all of its tags'),
    profile: 'extended',
    requires: ['image.second-tag'],
    // It removes the busybox image every other test uses; alone, no container of another test holds it.
    serial: true,
    operations: ['PullImage', 'RemoveImage', 'ImageStatus'],
    async run(ctx) {
      const { busybox } = ctx.env.images;
      const alias = ctx.env.images.busyboxAlias!;
      await pull(ctx, busybox);
      await pull(ctx, alias);
      ctx.ledger.add(`image ${busybox} pulled again for the tests after this one`, async (signal) => void (await ctx.env.client.image('PullImage', { image: { image: busybox } }, signal)));
      await img(ctx, 'RemoveImage', { image: { image: alias } });
      checkEqual(await imageStatus(ctx, alias), null, `ImageStatus(${alias}) after removing it`);
      const other = await imageStatus(ctx, busybox);
      check(other === null, `ImageStatus(${busybox}) still finds ${other?.id} with tags ${JSON.stringify(other?.repoTags)} after RemoveImage(${alias})`);
    },
  }),
];
