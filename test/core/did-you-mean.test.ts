import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest } from '../../src/core/did-you-mean.js';
import type { GxError } from '../../src/errors.js';
import { losses } from '../../src/registry/losses/index.js';

describe('did you mean', () => {
  it('finds near misses, transpositions included, and nothing for unrelated names', () => {
    const names = ['standard', 'wgan', 'wgan-gp', 'lsgan', 'hinge', 'fgan'];
    assert.equal(closest('wgangp', names), 'wgan-gp');
    assert.equal(closest('lsgna', names), 'lsgan');
    assert.equal(closest('HINGE', names), 'hinge');
    assert.equal(closest('transformer', names), undefined);
  });

  it('is in the error of a registry lookup', () => {
    assert.throws(
      () => losses.get('stanard'),
      (error: GxError) => error.message.includes('did you mean "standard"'),
    );
  });
});
