import { randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 17 base-62 characters (~101 bits), like LessWrong's ids: unguessable and never sequential. */
export const ID_LENGTH = 17;

export function newId(length = ID_LENGTH): string {
  let id = '';
  for (let i = 0; i < length; i++) id += BASE62[randomInt(62)];
  return id;
}

export function isId(value: string): boolean {
  return value.length === ID_LENGTH && /^[0-9A-Za-z]+$/.test(value);
}
