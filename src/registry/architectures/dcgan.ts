import * as tfl from '@tensorflow/tfjs-layers';
import { GxError } from '../../errors.js';
import type { Architecture } from './architecture.js';
import { BatchNormalization } from './batch-normalization.js';
import { apply, discriminatorHeads, latentInputs, seededInitializers } from './building-blocks.js';
import { Conv2D } from './conv2d.js';
import { MinibatchStd } from './minibatch-std.js';

/**
 * A DCGAN-style pair (Radford, Metz, Chintala 2016) for 28x28 images: G projects z to 7x7, then two stride-2
 * transposed convolutions (to 14x14, then 28x28); D mirrors it with stride-2 convolutions and LeakyReLU.
 * Weights start from N(0, 0.02) as in the paper.
 */
export const dcgan: Architecture = {
  name: 'dcgan',
  summary: 'A configurable DCGAN-style generator and discriminator for 28x28 images',
  options: {
    properties: {
      width: {
        type: 'integer',
        minimum: 1,
        maximum: 512,
        default: 64,
        description: 'Channels at 28x28 in D and at 14x14 in G; doubled at the next coarser resolution (at most 512)',
      },
      depth: {
        type: 'integer',
        minimum: 1,
        maximum: 8,
        default: 1,
        description: 'Convolutions per resolution (the first of D and the last of G change the resolution)',
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
    const [height, width, channels] = imageShape;
    if (height !== 28 || width !== 28) {
      throw new GxError(
        'CONFIG_CONFLICT',
        `dcgan is built for 28x28 images, the data has ${height}x${width}`,
        'resize the data to 28x28',
      );
    }
    const w = model.width as number;
    const extra = (model.depth as number) - 1;
    const init = seededInitializers(seed);
    const conv = (filters: number, strides = 1) =>
      new Conv2D({
        filters,
        kernelSize: 5,
        strides,
        padding: 'same',
        kernelInitializer: init.dcgan(),
        useBias: true,
      });
    const up = (filters: number) =>
      tfl.layers.conv2dTranspose({
        filters,
        kernelSize: 5,
        strides: 2,
        padding: 'same',
        kernelInitializer: init.dcgan(),
      });

    // G: batch norm (when on) then ReLU after every hidden layer; tanh out.
    const gActivate = (h: tfl.SymbolicTensor) => {
      const normed = model.g_batch_norm ? apply(new BatchNormalization({ momentum: 0.9, epsilon: 1e-5 }), h) : h;
      return apply(tfl.layers.reLU(), normed);
    };
    const { inputs, latent } = latentInputs(model, init.dcgan());
    let g = gActivate(apply(tfl.layers.dense({ units: 7 * 7 * 2 * w, kernelInitializer: init.dcgan() }), latent));
    g = apply(tfl.layers.reshape({ targetShape: [7, 7, 2 * w] }), g);
    for (let i = 0; i < extra; i++) g = gActivate(apply(conv(2 * w), g));
    g = gActivate(apply(up(w), g));
    for (let i = 0; i < extra; i++) g = gActivate(apply(conv(w), g));
    const image = apply(tfl.layers.activation({ activation: 'tanh' }), apply(up(channels), g));
    const generator = tfl.model({ inputs, outputs: image, name: 'generator' });

    // D: no batch norm on its first layer (Radford et al.), LeakyReLU everywhere.
    const dActivate = (h: tfl.SymbolicTensor, normalise: boolean) => {
      let out =
        normalise && model.d_batch_norm ? apply(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }), h) : h;
      out = apply(tfl.layers.leakyReLU({ alpha: model.leaky_slope as number }), out);
      return (model.dropout as number) > 0 ? apply(tfl.layers.dropout({ rate: model.dropout as number }), out) : out;
    };
    const x = tfl.input({ shape: [28, 28, channels], name: 'image' });
    let d = dActivate(apply(conv(w, 2), x), false);
    for (let i = 0; i < extra; i++) d = dActivate(apply(conv(w), d), true);
    if (model.minibatch_std) d = apply(new MinibatchStd({}), d);
    d = dActivate(apply(conv(2 * w, 2), d), true);
    for (let i = 0; i < extra; i++) d = dActivate(apply(conv(2 * w), d), true);
    const features = apply(tfl.layers.flatten(), d);
    const outputs = discriminatorHeads(features, model.num_classes, classHead, init.dcgan);
    return { generator, discriminator: tfl.model({ inputs: x, outputs, name: 'discriminator' }) };
  },
};
