import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enclosingMountPoint, mountPointsOf } from './mountinfo.js';

const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '26 22 0:23 / /tmp rw,nosuid shared:5 - tmpfs tmpfs rw',
  '43 26 0:38 / /tmp/with\\040space rw,relatime - tmpfs tmpfs rw,size=8192k',
  '44 22 0:39 / /srv/back\\134slash rw - tmpfs tmpfs rw',
  '45 22 8:1 /data /srv/bind rw - ext4 /dev/sda1 rw',
  '',
].join('\n');

describe('mountPointsOf', () => {
  it('given mountinfo text, lists the mount points with their octal escapes decoded', () => {
    assert.deepEqual(mountPointsOf(MOUNTINFO), ['/', '/tmp', '/tmp/with space', '/srv/back\\slash', '/srv/bind']);
  });

  it('given nothing usable, lists nothing', () => {
    assert.deepEqual(mountPointsOf(''), []);
    assert.deepEqual(mountPointsOf('garbage\n1 2 3\n'), []);
  });
});

describe('enclosingMountPoint', () => {
  const points = mountPointsOf(MOUNTINFO);

  it('finds the deepest mount point holding a path, matching whole components only', () => {
    assert.equal(enclosingMountPoint('/tmp/with space/a', points), '/tmp/with space');
    assert.equal(enclosingMountPoint('/tmp/with', points), '/tmp');
    assert.equal(enclosingMountPoint('/tmpfoo', points), '/');
    assert.equal(enclosingMountPoint('/srv/bind', points), '/srv/bind');
    assert.equal(enclosingMountPoint('/etc', points), '/');
  });

  it('finds none without a root mount', () => assert.equal(enclosingMountPoint('/etc', ['/tmp']), undefined));
});
