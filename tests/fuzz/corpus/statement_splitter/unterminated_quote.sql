1SELECT 'never closed;
