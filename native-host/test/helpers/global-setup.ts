import { assertBuilt } from './env';
import { ensureFixtures } from './fixtures';

/** Once per run: the built CLI must exist, and the media fixtures are made (or reused). */
export default async function setup(): Promise<void> {
  assertBuilt();
  await ensureFixtures();
}
