/** lib/ct: parallel-beam CT for the case study (projector, SIRT, mixed SIRT + model step, metrics). */
export { CtGeometryError, CtShapeError, CtValueError } from './errors';
export {
  type CenterConvention,
  type ParallelGeometry,
  type ResolvedGeometry,
  evenAngles,
  fullCoverageDetectorCount,
  resolveGeometry,
} from './geometry';
export { type CsrMatrix } from './sparse';
export { type ProjectionOperator, buildProjectionMatrix, clearOperatorCache, projectionOperator } from './projector';
export { type SirtOptions, type SirtResult, type SirtSettings, type SirtSolver, SIRT_WEIGHT_EPS, sirt, sirtSolver } from './sirt';
export { type ModelStep, type ModelStepInfo, type SirtMixedOptions, type SirtMixedResult, sirtMixed, tensorStep } from './mixed';
export { type MetricOptions, type MetricTable, imageMetrics, mse, psnr, ssim } from './metrics';
export { imagesFromTensor, imagesToTensor } from './images';
