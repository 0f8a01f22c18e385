import { expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import type { ObjectStore } from './port.ts';
import { getVersion, listVersions, putVersion } from './versioned.ts';

/** Awaits `promise` and checks it rejected with an AppError of `code`. */
export async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected AppError ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

/**
 * The naming half of the object store contract (see contract.ts): key rules, nesting, typed
 * errors and versioned keys. Registers its tests in the caller's describe block.
 */
export function namingCases(store: () => ObjectStore): void {
  it('keeps a key and keys below it apart', async () => {
    await store().put('nest/a', 'outer');
    await store().put('nest/a/b', 'inner');
    expect((await store().get('nest/a')).toString()).toBe('outer');
    expect((await store().get('nest/a/b')).toString()).toBe('inner');
    await store().delete('nest/a');
    expect(await store().stat('nest/a')).toBeNull();
    expect((await store().get('nest/a/b')).toString()).toBe('inner');
  });

  it('throws typed not_found for missing objects', async () => {
    await expectAppError(store().get('nf/missing'), 'not_found');
    await expectAppError(store().stream('nf/missing'), 'not_found');
    await expectAppError(getVersion(store(), 'nf/missing'), 'not_found');
  });

  it('rejects bad keys on every operation', async () => {
    const bad = [
      '../x',
      '/abs',
      'a//b',
      'a\\b',
      'a/../b',
      'a/./b',
      '',
      'a\u0000b',
      'a b',
      'a/',
      'é',
      'k'.repeat(1025),
    ];
    bad.push(`${'s'.repeat(201)}/x`);
    for (const key of bad) {
      await expectAppError(store().put(key, 'x'), 'bad_request');
      await expectAppError(store().get(key), 'bad_request');
      await expectAppError(store().stream(key), 'bad_request');
      await expectAppError(store().stat(key), 'bad_request');
      await expectAppError(store().delete(key), 'bad_request');
    }
    await expectAppError(store().list('../'), 'bad_request');
    await expectAppError(store().list('/abs'), 'bad_request');
    await expectAppError(
      store().put('ok/key', 'x', { contentType: 'text/plain\r\nX-Evil: 1' }),
      'bad_request',
    );
    const longest =
      Array.from({ length: 5 }, (_, i) => `${i}`.repeat(200)).join('/') + '/' + 'z'.repeat(19);
    expect(longest.length).toBe(1024);
    expect((await store().put(longest, 'deep')).key).toBe(longest);
    expect((await store().get(longest)).toString()).toBe('deep');
  });

  it('keeps versions in the key scheme', async () => {
    expect(await listVersions(store(), 'ver/plan')).toEqual([]);
    const v1 = await putVersion(store(), 'ver/plan', 'plan one', {
      contentType: 'text/markdown',
    });
    const v2 = await putVersion(store(), 'ver/plan', 'plan two');
    expect([v1.version, v1.key, v2.version, v2.key]).toEqual([
      1,
      'ver/plan/v000001',
      2,
      'ver/plan/v000002',
    ]);
    expect(v1.info).toMatchObject({
      key: 'ver/plan/v000001',
      size: 8,
      contentType: 'text/markdown',
    });
    // Neither the base object itself nor other keys under it count as versions.
    await store().put('ver/plan', 'the base key');
    await store().put('ver/plan/vendor.txt', 'not a version');
    const listed = await listVersions(store(), 'ver/plan');
    expect(listed.map((v) => [v.version, v.key])).toEqual([
      [1, 'ver/plan/v000001'],
      [2, 'ver/plan/v000002'],
    ]);
    expect(listed[0]?.info.contentType).toBe('text/markdown');
    const latest = await getVersion(store(), 'ver/plan');
    expect([latest.version, latest.body.toString()]).toEqual([2, 'plan two']);
    const first = await getVersion(store(), 'ver/plan', 1);
    expect([first.version, first.body.toString(), first.info.size]).toEqual([1, 'plan one', 8]);
    await expectAppError(getVersion(store(), 'ver/plan', 3), 'not_found');
    await expectAppError(getVersion(store(), 'ver/plan', 0), 'bad_request');
    await expectAppError(putVersion(store(), '../ver', 'x'), 'bad_request');
    expect((await putVersion(store(), 'ver/plan', 'plan three')).version).toBe(3);
  });
}
