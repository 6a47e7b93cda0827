import type { NextFunction, Request, Response } from 'express';
import { apiError } from './api-error';

/**
 * Our deepest request body nests 3 levels; 32 leaves room for any future shape, while a body nested thousands deep
 * (which overflows the stack of class-transformer and class-validator) is refused before it reaches them.
 */
export const MAX_JSON_DEPTH = 32;

/** How deep `value` nests arrays and objects (`{}` is 1, a scalar 0); stops counting once past `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) break;
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** Runs right after the JSON parser, before guards and validation: every JSON body, every route. */
export function jsonDepthLimit(max = MAX_JSON_DEPTH) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const body: unknown = request.body;
    if (body !== null && typeof body === 'object' && jsonDepth(body, max) > max) {
      next(apiError('request.too_deep', { max }));
      return;
    }
    next();
  };
}
