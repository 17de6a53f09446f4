/** ACC-4: the API refuses shorter passwords; the forms say so before sending. */
export const PASSWORD_MIN_LENGTH = 12;
