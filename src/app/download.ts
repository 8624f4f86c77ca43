// Saves text the app made as a file on the device, through the browser's download.
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The browser has read the blob once the click's download started.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
