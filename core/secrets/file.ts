import { readFile } from 'node:fs/promises';
import { AppError } from '../errors.ts';

/**
 * Reads a secret from the file NAME_FILE points at (Docker and Kubernetes secrets, systemd
 * credentials). One trailing newline is dropped, as editors and `echo` add it. Errors name the
 * variable and the path, never any of the file's contents.
 */
export async function readSecretFile(name: string, file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : `cannot be read (${code ?? 'error'})`;
    throw new AppError(
      'config_invalid',
      `Invalid setting ${name}_FILE=${JSON.stringify(file)}: ${why}.`,
    );
  }
  const value = text.replace(/\r?\n$/, '');
  if (!value)
    throw new AppError(
      'config_invalid',
      `Invalid setting ${name}_FILE=${JSON.stringify(file)}: the file is empty.`,
    );
  return value;
}
