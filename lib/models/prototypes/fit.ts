import { Dataset } from '../../data/mnist';
import { buildPrototypeModel, PlacedPrototypes, PrototypeRun, prototypeRunName } from './runs';
import { PrototypeModel, trainPrototypeModel } from './train';

/** Build a run's network on its placed prototypes and train it (a cache hit after the background job); the caller disposes it. */
export async function fitPrototypeRun(r: PrototypeRun, placed: PlacedPrototypes, train: Dataset): Promise<PrototypeModel> {
  const { model, key } = buildPrototypeModel(r, placed.prototypes);
  try {
    await trainPrototypeModel(model, key, train, r.training, prototypeRunName(r));
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}
