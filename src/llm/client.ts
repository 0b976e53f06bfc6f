import type { LlmConfig } from '../config.js';

export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

/** Why no text came back; the caller falls back and records the reason. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
}

/** One chat completion from an OpenAI-compatible endpoint; the key travels only in the Authorization header. */
export async function complete(config: LlmConfig, messages: readonly ChatMessage[]): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: config.model, messages, temperature: 0.2 }),
      // Only the operator's address is ever asked: a redirect elsewhere is refused, not followed.
      redirect: 'error',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    throw new LlmError(`the LLM endpoint could not be reached (${error instanceof Error ? error.name : 'error'})`);
  }
  if (!response.ok) throw new LlmError(`the LLM endpoint answered ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new LlmError('the LLM endpoint answered something that is not JSON');
  }
  const content = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') throw new LlmError('the LLM answer holds no text');
  return content.trim();
}

/** A system and a user prompt, asked once: the model's text, or why there is none (an endpoint's failure is not the caller's error). */
export async function askModel(
  config: LlmConfig,
  prompt: { readonly system: string; readonly user: string },
): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  try {
    return {
      ok: true,
      text: await complete(config, [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ]),
    };
  } catch (error) {
    if (error instanceof LlmError) return { ok: false, reason: error.message };
    throw error;
  }
}
