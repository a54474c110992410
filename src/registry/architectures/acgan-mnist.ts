import * as tfl from '@tensorflow/tfjs-layers';
import { GxError } from '../../errors.js';
import type { Architecture } from './architecture.js';
import { apply, discriminatorHeads, type Initializer, latentInputs, seededInitializers } from './building-blocks.js';
import { Conv2D } from './conv2d.js';
import { spectral, spectralNormOf } from './spectral-norm.js';
import { UpsampledConv2D } from './upsampled-conv2d.js';

/**
 * The seed: generator and discriminator of Keras `examples/mnist_acgan.py` (first version, Nov 2016), the AC-GAN of
 * Odena, Olah and Shlens (2017), in NHWC. Layer by layer as the original, with its initialisers: glorot_normal where
 * the file names it (G's three convolutions and the class embedding), Keras' default glorot_uniform elsewhere (G's
 * two Dense layers and all of D). The heads output raw scores and the loss applies sigmoid and softmax.
 */
export type AcganMnistOptions = { leaky_slope: number; dropout: number; initializer: 'keras1' | 'tfjs' };

export const acganMnist: Architecture<AcganMnistOptions> = {
  name: 'acgan-mnist',
  summary: 'The AC-GAN of Keras mnist_acgan.py (2016) for 28x28x1 images: upsampling-conv G, 4-conv D',
  options: {
    properties: {
      leaky_slope: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0.3,
        description: "Slope of D's LeakyReLU (Keras 1's default, 0.3)",
      },
      dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.3, description: 'Dropout rate in D' },
      initializer: {
        enum: ['keras1', 'tfjs'],
        default: 'keras1',
        description:
          "keras1: the seed's, Keras 1's glorot_normal (a plain normal) where the file names it, glorot_uniform elsewhere; tfjs: tfjs's glorotNormal (a normal cut at 2 sigma, 0.88 of the spread) in all of G, as gx 0.1 did",
      },
    },
  },
  create(model, { imageShape, classHead, seed }) {
    if (imageShape.join('x') !== '28x28x1') {
      throw new GxError(
        'CONFIG_CONFLICT',
        `acgan-mnist is built for 28x28x1 images, the data has ${imageShape.join('x')}`,
        'use model.type dcgan for other images',
      );
    }
    const init = seededInitializers(seed);
    const keras1 = model.initializer === 'keras1';
    // glorot_normal of a kernel with these fans; Keras 1's Dense default where the seed names no init.
    const glorotNormal = (fanIn: number, fanOut: number) =>
      keras1 ? init.plainGlorotNormal(fanIn, fanOut) : init.glorotNormal();
    const denseDefault = () => (keras1 ? init.glorotUniform() : init.glorotNormal());
    const normalised = spectralNormOf(model);
    // A layer of G ('g') or D ('d'), spectrally normalised where model.spectral_norm says.
    const of = (net: 'g' | 'd', layer: tfl.layers.Layer) => spectral(layer, normalised[net], init.glorotUniform);

    const { inputs, latent } = latentInputs(model, glorotNormal(model.num_classes, model.latent_size));
    let g = apply(
      of('g', tfl.layers.dense({ units: 1024, activation: 'relu', kernelInitializer: denseDefault() })),
      latent,
    );
    g = apply(
      of('g', tfl.layers.dense({ units: 128 * 7 * 7, activation: 'relu', kernelInitializer: denseDefault() })),
      g,
    );
    g = apply(tfl.layers.reshape({ targetShape: [7, 7, 128] }), g);
    // UpSampling2D then a 5x5 convolution, twice, computed as one 3x3 convolution per output phase.
    g = apply(of('g', upsampledConv(256, glorotNormal(25 * 128, 25 * 256))), g);
    g = apply(of('g', upsampledConv(128, glorotNormal(25 * 256, 25 * 128))), g);
    const image = apply(of('g', conv(1, 2, 'tanh', glorotNormal(4 * 128, 4 * 1))), g);
    const generator = tfl.model({ inputs, outputs: image, name: 'generator' });

    const x = tfl.input({ shape: [28, 28, 1], name: 'image' });
    let d = x;
    for (const [filters, stride] of [
      [32, 2],
      [64, 1],
      [128, 2],
      [256, 1],
    ]) {
      d = apply(of('d', conv(filters, 3, 'linear', init.glorotUniform(), stride)), d);
      d = apply(tfl.layers.leakyReLU({ alpha: model.leaky_slope }), d);
      d = apply(tfl.layers.dropout({ rate: model.dropout }), d);
    }
    const features = apply(tfl.layers.flatten(), d);
    const heads = discriminatorHeads(features, model, classHead, init.glorotUniform);
    const discriminator = tfl.model({ inputs: [x, ...heads.inputs], outputs: heads.outputs, name: 'discriminator' });
    return { generator, discriminator };
  },
};

function upsampledConv(filters: number, kernelInitializer: Initializer) {
  return new UpsampledConv2D({ filters, kernelSize: 5, activation: 'relu', kernelInitializer });
}

function conv(
  filters: number,
  kernelSize: number,
  activation: 'relu' | 'tanh' | 'linear',
  kernelInitializer: Initializer,
  stride = 1,
) {
  return new Conv2D({ filters, kernelSize, strides: stride, padding: 'same', activation, kernelInitializer });
}
