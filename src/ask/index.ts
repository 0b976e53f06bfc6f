export type { Answer } from './answer.js';
export { deleteQuestionsBefore, ratedAnswers } from './history.js';
export type { AskRating, AskRecord } from './history.js';
export { parseQuestion } from './parse.js';
export type { ParseOutcome } from './parse.js';
export { answerQuery } from './service.js';
export { readVocabulary } from './vocabulary.js';
