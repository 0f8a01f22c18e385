import { describe, expect, it } from 'vitest';
import { asDiskFull, diskFullCode, DiskFullError, isDiskFull } from './disk-full.ts';
import { AppError } from './errors.ts';

const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
  code: 'ENOSPC',
});

describe('disk full', () => {
  it('finds ENOSPC and EDQUOT on an error or its causes', () => {
    expect(diskFullCode(enospc)).toBe('ENOSPC');
    expect(diskFullCode(new AppError('store_error', 'x', { cause: enospc }))).toBe('ENOSPC');
    expect(diskFullCode(Object.assign(new Error('quota'), { code: 'EDQUOT' }))).toBe('EDQUOT');
    expect(isDiskFull(new Error('EACCES: permission denied'))).toBe(false);
    expect(isDiskFull(undefined)).toBe(false);
  });

  it('names the folder, the errno and DATA_DIR, with class disk_full', () => {
    const e = asDiskFull(enospc, 'a bundle', '/data/objects') as DiskFullError;
    expect(e).toBeInstanceOf(DiskFullError);
    expect(e.code).toBe('disk_full');
    expect(e.message).toContain('/data/objects');
    expect(e.message).toContain('ENOSPC');
    expect(e.message).toContain('DATA_DIR');
    const other = new Error('boom');
    expect(asDiskFull(other, 'x', '/d')).toBe(other);
  });
});
