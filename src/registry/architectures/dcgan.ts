import * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from './architecture.js';
import { BatchNormalization } from './batch-normalization.js';
import { apply, discriminatorHeads, latentInputs, seededInitializers } from './building-blocks.js';
import { Conv2D } from './conv2d.js';
import { dcganLevels, levelWidth } from './dcgan-levels.js';
import { MinibatchStd } from './minibatch-std.js';
import { spectral, spectralNormOf } from './spectral-norm.js';

/**
 * A DCGAN-style pair (Radford, Metz, Chintala 2016) for square images of any channel count: G projects z to a small
 * map (7x7 for 28x28, 4x4 for 32, 64, 128; see dcgan-levels.ts), then stride-2 transposed convolutions up to the
 * image; D mirrors it with stride-2 convolutions and LeakyReLU. Weights start from N(0, 0.02) as in the paper.
 */
export type DcganOptions = {
  width: number;
  max_width: number;
  depth: number;
  kernel_size: number;
  g_batch_norm: boolean;
  d_batch_norm: boolean;
  leaky_slope: number;
  dropout: number;
  minibatch_std: boolean;
};

export const dcgan: Architecture<DcganOptions> = {
  name: 'dcgan',
  summary: 'A configurable DCGAN-style generator and discriminator for 28x28, 32x32, 64x64, 128x128 (square) images',
  options: {
    properties: {
      width: {
        type: 'integer',
        minimum: 1,
        maximum: 512,
        default: 64,
        description:
          "Channels at D's and G's finest hidden level (14x14 for 28x28 images); doubled at each coarser one",
      },
      max_width: {
        type: 'integer',
        minimum: 1,
        maximum: 2048,
        default: 1024,
        description: 'The most channels any level gets, however many times width doubles',
      },
      depth: {
        type: 'integer',
        minimum: 1,
        maximum: 8,
        default: 1,
        description: 'Convolutions per resolution (the first of D and the last of G change the resolution)',
      },
      kernel_size: {
        type: 'integer',
        minimum: 1,
        maximum: 9,
        default: 5,
        description: 'Side of every convolution kernel',
      },
      g_batch_norm: { type: 'boolean', default: true, description: "Batch normalisation in G's hidden layers" },
      d_batch_norm: {
        type: 'boolean',
        default: false,
        description: "Batch normalisation in D's hidden layers (leave off for WGAN-GP: the penalty is per sample)",
      },
      leaky_slope: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0.2,
        description: "D's LeakyReLU slope",
      },
      dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Dropout rate in D' },
      minibatch_std: {
        type: 'boolean',
        default: false,
        description:
          "The batch's feature spread as one more channel before D's last stride (Karras et al. 2018), against fakes that all look alike; it couples a batch's samples, so a gradient penalty's per-sample gradients also carry the other samples' terms (as in Karras et al.'s own WGAN-GP runs)",
      },
    },
  },
  example: { width: 2, dropout: 0.3, minibatch_std: true },
  create(model, { imageShape, classHead, seed }) {
    const [height, imageWidth, channels] = imageShape;
    const { base, levels } = dcganLevels(height, imageWidth);
    const { depth, kernel_size: kernelSize, leaky_slope: alpha, dropout: rate } = model;
    const widthAt = (level: number) => levelWidth(model.width, level, model.max_width);
    const init = seededInitializers(seed);
    const normalised = spectralNormOf(model);
    // A layer of G ('g') or D ('d'), spectrally normalised where model.spectral_norm says.
    const of = (net: 'g' | 'd', layer: tfl.layers.Layer) => spectral(layer, normalised[net], init.dcgan);
    const conv = (net: 'g' | 'd', filters: number, strides = 1) =>
      of(
        net,
        new Conv2D({ filters, kernelSize, strides, padding: 'same', kernelInitializer: init.dcgan(), useBias: true }),
      );
    const up = (filters: number) =>
      of(
        'g',
        tfl.layers.conv2dTranspose({
          filters,
          kernelSize,
          strides: 2,
          padding: 'same',
          kernelInitializer: init.dcgan(),
        }),
      );
    // depth - 1 more convolutions at a level, keeping its resolution.
    const extra = (
      net: 'g' | 'd',
      h: tfl.SymbolicTensor,
      filters: number,
      activate: (h: tfl.SymbolicTensor) => tfl.SymbolicTensor,
    ) => {
      for (let i = 1; i < depth; i++) h = activate(apply(conv(net, filters), h));
      return h;
    };

    // G: batch norm (when on) then ReLU after every hidden layer; tanh out.
    const gActivate = (h: tfl.SymbolicTensor) => {
      const normed = model.g_batch_norm ? apply(new BatchNormalization({ momentum: 0.9, epsilon: 1e-5 }), h) : h;
      return apply(tfl.layers.reLU(), normed);
    };
    const { inputs, latent } = latentInputs(model, init.dcgan());
    const coarsest = widthAt(levels);
    let g = gActivate(
      apply(of('g', tfl.layers.dense({ units: base * base * coarsest, kernelInitializer: init.dcgan() })), latent),
    );
    g = extra('g', apply(tfl.layers.reshape({ targetShape: [base, base, coarsest] }), g), coarsest, gActivate);
    for (let level = levels - 1; level >= 1; level--)
      g = extra('g', gActivate(apply(up(widthAt(level)), g)), widthAt(level), gActivate);
    const image = apply(tfl.layers.activation({ activation: 'tanh' }), apply(up(channels), g));
    const generator = tfl.model({ inputs, outputs: image, name: 'generator' });

    // D: no batch norm on its first layer (Radford et al.), LeakyReLU everywhere.
    const dActivate = (normalise: boolean) => (h: tfl.SymbolicTensor) => {
      let out =
        normalise && model.d_batch_norm ? apply(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }), h) : h;
      out = apply(tfl.layers.leakyReLU({ alpha }), out);
      return rate > 0 ? apply(tfl.layers.dropout({ rate }), out) : out;
    };
    const x = tfl.input({ shape: [height, imageWidth, channels], name: 'image' });
    let d = x;
    for (let level = 1; level <= levels; level++) {
      if (level === levels && model.minibatch_std) d = apply(new MinibatchStd({}), d);
      d = extra('d', dActivate(level > 1)(apply(conv('d', widthAt(level), 2), d)), widthAt(level), dActivate(true));
    }
    const features = apply(tfl.layers.flatten(), d);
    const heads = discriminatorHeads(features, model, classHead, init.dcgan);
    const discriminator = tfl.model({ inputs: [x, ...heads.inputs], outputs: heads.outputs, name: 'discriminator' });
    return { generator, discriminator };
  },
};
