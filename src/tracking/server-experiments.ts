import { GxError } from '../errors.js';
import { MlflowError } from './mlflow-error.js';
import type { MlflowHttp } from './mlflow-http.js';
import type { CallOptions } from './mlflow-retry.js';
import { EXPERIMENT_KIND_TAG } from './ui-links.js';

type Found = { experiment: { experiment_id: string; lifecycle_stage: string } };

/** The id of the experiment named `name`, created when missing; two gx creating it at once both get it. */
export async function experimentIdFor(http: MlflowHttp, name: string, options: CallOptions): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { experiment } = await http.call<Found>(
        'GET',
        'experiments/get-by-name',
        { experiment_name: name },
        options,
      );
      if (experiment.lifecycle_stage === 'deleted') {
        throw new GxError(
          'TRACKING_EXPERIMENT_DELETED',
          `MLflow experiment "${name}" is deleted on ${http.uri}`,
          'restore it in the MLflow UI, or set tracking.experiment to another name',
        );
      }
      return experiment.experiment_id;
    } catch (error) {
      if (!(error instanceof MlflowError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) throw error;
    }
    try {
      const tags = [EXPERIMENT_KIND_TAG];
      return (await http.call<{ experiment_id: string }>('POST', 'experiments/create', { name, tags }, options))
        .experiment_id;
    } catch (error) {
      // Created by someone else meanwhile: get it again.
      if (!(error instanceof MlflowError && error.errorCode === 'RESOURCE_ALREADY_EXISTS') || attempt > 0) throw error;
    }
  }
}

/** The id of the experiment named `name` (deleted or not, as get-by-name says); undefined when there is none. */
export async function findExperimentId(http: MlflowHttp, name: string): Promise<string | undefined> {
  try {
    const { experiment } = await http.call<Found>('GET', 'experiments/get-by-name', { experiment_name: name });
    return experiment.experiment_id;
  } catch (error) {
    if (error instanceof MlflowError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
}
