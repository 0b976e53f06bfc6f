import { Type } from 'typebox';
import { MAX_RATE, MIN_RATE } from './rates.js';
import { DIMENSIONS } from './schema.js';

/** Request pieces that analyses and scheduled reports both declare. */
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
export const DateRangeSchema = Type.Object(
  { from: Type.Optional(DateText), to: Type.Optional(DateText) },
  { additionalProperties: false },
);
export const FilterSchema = Type.Object(
  {
    dimension: Type.Enum(DIMENSIONS.filter((dimension) => dimension !== 'date')),
    values: Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export const ConversionSchema = Type.Object(
  {
    to: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR' }),
    rates: Type.Record(
      Type.String({ pattern: '^[A-Z]{3}$' }),
      Type.Number({
        minimum: MIN_RATE,
        maximum: MAX_RATE,
        description: `Units of \`to\` per unit of the currency named, from ${MIN_RATE} to ${MAX_RATE}`,
      }),
    ),
  },
  { additionalProperties: false },
);
export const DatasetIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20 });
