document.getElementById("app")!.textContent = "Consulto";
