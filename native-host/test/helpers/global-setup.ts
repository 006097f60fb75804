import { assertBuilt } from '../../../devkit/env';
import { ensureFixtures } from '../../../devkit/fixtures';

/** Once per run: the built CLI must exist, and the media fixtures are made (or reused). */
export default async function setup(): Promise<void> {
  assertBuilt();
  await ensureFixtures();
}
