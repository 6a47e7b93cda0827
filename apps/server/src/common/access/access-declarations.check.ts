import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { ACCESS_KEY, AccessRule } from './access.decorator';

/** Refuses to start a server with a route that does not say who may call it. */
@Injectable()
export class AccessDeclarationsCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const missing = this.undeclaredRoutes();
    if (missing.length) throw new Error(`routes without an access declaration: ${missing.join(', ')}`);
  }

  undeclaredRoutes(): string[] {
    const missing: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller) continue;
      for (const name of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, () => unknown>)[name];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [handler, controller]);
        if (!rule) missing.push(`${controller.name}.${name}`);
      }
    }
    return missing;
  }
}
