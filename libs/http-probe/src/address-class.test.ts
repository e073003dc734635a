import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAddress, type AddressClass } from './address-class.js';

const TABLE: Array<[string, AddressClass]> = [
  // IPv4
  ['169.254.169.254', 'cloud_metadata'],
  ['169.254.170.2', 'cloud_metadata'],
  ['100.100.100.200', 'cloud_metadata'],
  ['169.254.0.0', 'link_local'],
  ['169.254.0.1', 'link_local'],
  ['169.254.255.255', 'link_local'],
  ['169.253.255.255', 'ordinary'],
  ['169.255.0.1', 'ordinary'],
  ['127.0.0.1', 'ordinary'],
  ['10.0.0.1', 'ordinary'],
  ['192.168.1.20', 'ordinary'],
  ['100.100.100.100', 'ordinary'],
  ['0.0.0.0', 'ordinary'],
  // IPv6 link-local: fe80::/10 is fe80 to febf
  ['fe80::1', 'link_local'],
  ['FE80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['fe80:0:0:0:abcd:ef01:2345:6789', 'link_local'],
  ['febf:ffff::1', 'link_local'],
  ['fec0::1', 'ordinary'],
  ['fe7f::1', 'ordinary'],
  // AWS's IPv6 metadata address and its neighbours
  ['fd00:ec2::254', 'cloud_metadata'],
  ['fd00:0ec2:0000:0000:0000:0000:0000:0254', 'cloud_metadata'],
  ['fd00:ec2:0:0:0:0:0:254', 'cloud_metadata'],
  ['fd00:ec2::253', 'ordinary'],
  ['fd00:ec2::1:254', 'ordinary'],
  // IPv4-mapped, dotted and hex
  ['::ffff:169.254.169.254', 'cloud_metadata'],
  ['::FFFF:169.254.169.254', 'cloud_metadata'],
  ['::ffff:a9fe:a9fe', 'cloud_metadata'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', 'cloud_metadata'],
  ['::ffff:169.254.1.1', 'link_local'],
  ['::ffff:a9fe:101', 'link_local'],
  ['::ffff:127.0.0.1', 'ordinary'],
  ['::ffff:7f00:1', 'ordinary'],
  // IPv4-compatible and NAT64 reach the same IPv4 host
  ['::169.254.169.254', 'cloud_metadata'],
  ['::a9fe:a9fe', 'cloud_metadata'],
  ['64:ff9b::169.254.169.254', 'cloud_metadata'],
  ['64:ff9b::a9fe:101', 'link_local'],
  ['64:ff9b::8.8.8.8', 'ordinary'],
  ['64:ff9b:1::a9fe:a9fe', 'ordinary'],
  // ordinary IPv6
  ['::1', 'ordinary'],
  ['::', 'ordinary'],
  ['2001:db8::a9fe:a9fe', 'ordinary'],
  ['fd00::254', 'ordinary'],
  ['::ffff:0:a9fe:a9fe', 'ordinary'],
];

describe('classifyAddress', () => {
  for (const [address, expected] of TABLE) {
    it(`${address} is ${expected}`, () => assert.equal(classifyAddress(address), expected));
  }

  for (const notAnAddress of ['', 'metadata.google.internal', '169.254.169.256', '1.2.3', 'fe80::1::2', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::gggg', '1.2.3.4::', 'fe80::12345']) {
    it(`throws on ${JSON.stringify(notAnAddress)}, which is no address`, () => {
      assert.throws(() => classifyAddress(notAnAddress), TypeError);
    });
  }
});
