/**
 * Passwords of 12 characters or more that appear near the top of public
 * breach-frequency lists (shorter ones already fail the length rule).
 * Compared case-insensitively.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789123', '111111111111', '000000000000',
  '123123123123', '121212121212', '987654321987', '098765432109', '112233445566', '123456123456',
  '147258369147', '789456123789', '159753159753', '999999999999', '888888888888', '777777777777',
  '666666666666', '555555555555', '444444444444', '333333333333', '222222222222', '012345678901',
  'password1234', 'password12345', 'password123456', 'password1!', 'password123!', 'password@123',
  'passwordpassword', 'password2020', 'password2021', 'password2022', 'password2023', 'password2024',
  'password2025', 'password2026', 'mypassword123', 'mypassword1234', 'thisismypassword', 'newpassword123',
  'changeme1234', 'changemenow!', 'changeme123!', 'letmein12345', 'letmein123456', 'welcome12345',
  'welcome123456', 'welcome2024!', 'welcome2025!', 'welcome2026!', 'administrator', 'administrator1',
  'administrator123', 'admin1234567', 'admin123456789', 'adminadmin123', 'qwertyuiop12', 'qwertyuiop123',
  'qwertyuiopasdfgh', 'qwerty123456', 'qwerty1234567', 'qwertyqwerty', 'qwertyuiopasdfghjkl', 'asdfghjkl123',
  'asdfghjkl1234', 'asdfasdfasdf', 'zxcvbnm12345', 'zxcvbnm123456', '1q2w3e4r5t6y', '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv', 'q1w2e3r4t5y6', 'qazwsxedcrfv', 'zaq12wsxcde3', 'abcdefghijkl', 'abcdef123456',
  'abc123abc123', 'abcd1234abcd', 'iloveyou1234', 'iloveyou12345', 'iloveyouforever', 'trustno1trustno1',
  'football1234', 'baseball1234', 'basketball12', 'superman1234', 'batman123456', 'starwars1234',
  'princess1234', 'sunshine1234', 'monkey123456', 'dragon123456', 'master123456', 'shadow123456',
  'michael12345', 'jennifer1234', 'liverpool123', 'chelsea12345', 'arsenal12345', 'manchester12',
  'computer1234', 'internet1234', 'whatever1234', 'nothing12345', 'secret123456', 'secretpassword',
  'summer123456', 'winter123456', 'spring123456', 'autumn123456', 'january12345', 'december1234',
  'marketing123', 'marketing1234', 'marketing2025', 'marketing2026', 'campaign1234', 'campaign2025',
  'company12345', 'companyname1', 'business1234', 'letmeinplease', 'correcthorsebatterystaple',
  'passw0rd1234', 'p@ssw0rd1234', 'p@ssword1234', 'p@55w0rd1234', 'pa55word1234', 'passw0rd!234',
]);

export function isCommonPassword(candidate: string): boolean {
  return COMMON_PASSWORDS.has(candidate.toLowerCase());
}
