import { Dataset } from '../../data/mnist';
import { ValueRangeError } from '../../tensor/guards';
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

/**
 * A notebook's prototype networks by run name (prototypeRunName), each fitted on the placement of
 * its dimension; dispose() frees them all (a notebook keeps the object).
 */
export class PrototypeNets {
  private readonly models = new Map<string, PrototypeModel>();

  constructor(private readonly placements: PlacedPrototypes[], private readonly train: Dataset) {}

  /** Fit the runs in order (replacing a network fitted earlier under the same name). */
  async fit(runs: PrototypeRun[]): Promise<void> {
    for (const r of runs) {
      const placed = this.placements.find((p) => p.dims === r.dims);
      if (!placed) throw new ValueRangeError(`no prototypes placed for ${r.dims} dimensions (placed: ${this.placements.map((p) => p.dims).join(', ')}); add placeFor(${r.dims}, …) to the placements.`);
      const model = await fitPrototypeRun(r, placed, this.train);
      this.models.get(prototypeRunName(r))?.dispose();
      this.models.set(prototypeRunName(r), model);
    }
  }

  get(name: string): PrototypeModel {
    const m = this.models.get(name);
    if (!m) throw new ValueRangeError(`no prototype network "${name}" fitted yet (have: ${[...this.models.keys()].join(', ') || 'none'}); fit its run first.`);
    return m;
  }

  dispose(): void {
    this.models.forEach((m) => m.dispose());
    this.models.clear();
  }
}
