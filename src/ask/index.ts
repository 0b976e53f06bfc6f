/** The public face of ask/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export type { Answer } from './answer.js';
export type { AnswerField, ColumnFormat } from './columns.js';
export { deleteQuestionsBefore, ratedAnswers } from './history.js';
export type { AskRating, AskRecord } from './history.js';
export { parseQuestion } from './parse.js';
export type { ParseOutcome } from './parse.js';
export { answerQuery } from './service.js';
export { readVocabulary } from './vocabulary.js';
